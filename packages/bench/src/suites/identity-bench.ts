import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetledgerRegistry, type EventEnvelope } from '@netledger/contracts';
import { openSqliteEventLog, type AppendRequest, type AppendResult, type EventLog } from '@netledger/eventlog';
import { IdentityDomain } from '@netledger/identity-service';
import { MemoryClusterSources, type Namespace, type Pod } from '@netledger/k8s';
import { parseServiceArgs, type ServiceContext } from '@netledger/runtime';
import { rssMiB, type Figure } from '../figures.js';

export interface IdentityBenchOptions {
  readonly pods: number;
  /** Distinct identity-relevant label sets among the pods. */
  readonly labelSets: number;
  readonly namespaces: number;
}

export const IDENTITY_DEFAULTS: IdentityBenchOptions = { pods: 100_000, labelSets: 10_000, namespaces: 10 };

const SUITE = 'identity';

function namespaceObject(i: number, team: string): Namespace {
  return { kind: 'Namespace', metadata: { name: `bench-${i}`, uid: `ns-${i}`, resourceVersion: `${i}-${team}`, labels: { team } } };
}

// Pods of one label set are spread over one namespace; a per-pod hash (excluded by default)
// makes their own labels differ as Deployments' pods do.
function podObject(i: number, options: IdentityBenchOptions): Pod {
  const set = i % options.labelSets;
  return {
    kind: 'Pod',
    metadata: {
      namespace: `bench-${set % options.namespaces}`,
      name: `pod-${i}`,
      uid: `uid-${i}`,
      resourceVersion: String(i + 1),
      labels: { app: `app-${set}`, tier: ['web', 'api', 'db'][set % 3]!, 'pod-template-hash': (i % 97).toString(16) },
    },
    spec: { nodeName: `node-${i % 100}`, containers: [{ name: 'main', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
  };
}

async function startDomain(log: EventLog, sources: MemoryClusterSources, dir: string): Promise<IdentityDomain> {
  const config = parseServiceArgs('identity', ['--data-dir', dir]);
  if (!config) throw new Error('identity bench: no service config');
  const domain = new IdentityDomain();
  const context: ServiceContext = { config, log, sources, logger: { info: () => {}, error: (m) => process.stderr.write(`identity bench: ${m}\n`) } };
  await domain.start(context);
  return domain;
}

// Stores nothing and checks nothing: measures what the domain itself costs per pod, apart
// from the log. Only what the domain calls is implemented.
function nullEventLog(): EventLog {
  let seq = 0;
  const versions = new Map<string, number>();
  const appendMany = async (requests: readonly AppendRequest[]): Promise<AppendResult[]> => {
    const time = new Date().toISOString();
    return requests.map((r) => {
      let version = versions.get(r.stream) ?? 0;
      const firstSeq = seq + 1;
      const events: EventEnvelope[] = r.events.map((e) => ({
        id: String(seq + 1),
        service: 'identity',
        stream: r.stream,
        version: ++version,
        seq: ++seq,
        type: e.type,
        schemaVersion: 1,
        time,
        cause: e.cause,
        data: e.data,
      }));
      versions.set(r.stream, version);
      return { stream: r.stream, version, firstSeq, lastSeq: seq, duplicate: false, events };
    });
  };
  const unsupported = (): never => {
    throw new Error('identity bench: not supported by the null log');
  };
  return {
    service: 'identity',
    appendMany,
    append: async (stream, expectedVersion, events) => (await appendMany([{ stream, expectedVersion, events }]))[0]!,
    streamVersion: async (stream) => versions.get(stream) ?? 0,
    readStreamForward: unsupported,
    readStreamBackward: unsupported,
    readAll: unsupported,
    readUntil: unsupported,
    lastSeqAt: unsupported,
    iterate: async function* () {},
    replay: async function* () {},
    head: async () => ({ lastSeq: seq, lastTime: null, outboxBacklog: 0, lastHash: '' }),
    outboxPeek: unsupported,
    outboxAck: unsupported,
    pruneBefore: unsupported,
    retention: async () => undefined,
    saveSnapshot: async () => {},
    loadSnapshot: async () => undefined,
    close: async () => {},
  };
}

async function feed(domain: IdentityDomain, sources: MemoryClusterSources, pods: readonly Pod[]): Promise<number> {
  const t0 = performance.now();
  for (const pod of pods) await sources.podSource.upsert(pod);
  await domain.settled();
  return performance.now() - t0;
}

/**
 * Identity allocation through the domain on a real SQLite log: pods arrive as watch events,
 * the domain allocates one identity per label set and appends an endpoint per pod. First the
 * same run on a log that stores nothing (the domain's own cost), then restarts on the same log
 * and cluster (nothing to append; replay, then from the snapshot), and one namespace
 * relabelled (only its pods are decided again).
 */
export async function identityBench(report: (f: Figure) => void, options: IdentityBenchOptions = IDENTITY_DEFAULTS): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'netledger-identity-bench-'));
  const sources = new MemoryClusterSources();
  let log = await openSqliteEventLog({ service: 'identity', registry: createNetledgerRegistry(), file: join(dir, 'identity.db') });
  try {
    const pods = Array.from({ length: options.pods }, (_, i) => podObject(i, options));
    {
      const alone = new MemoryClusterSources();
      for (let n = 0; n < options.namespaces; n++) await alone.namespaceSource.upsert(namespaceObject(n, 'blue'));
      const domain = await startDomain(nullEventLog(), alone, dir);
      const ms = await feed(domain, alone, pods);
      report({ suite: SUITE, metric: 'domain_only_pods_per_s', value: options.pods / (ms / 1000), unit: 'pods/s' });
      await domain.stop();
    }

    for (let n = 0; n < options.namespaces; n++) await sources.namespaceSource.upsert(namespaceObject(n, 'blue'));
    let domain = await startDomain(log, sources, dir);
    const before = (await log.head()).lastSeq;
    const elapsed = await feed(domain, sources, pods);
    const appended = (await log.head()).lastSeq - before;
    const identities = (domain.queries()['identities']!(new URLSearchParams({ scope: 'cluster' })) as unknown[]).length;
    report({ suite: SUITE, metric: 'pods_per_s', value: options.pods / (elapsed / 1000), unit: 'pods/s' });
    report({ suite: SUITE, metric: 'appended_events', value: appended, unit: 'events' });
    report({ suite: SUITE, metric: 'identity_allocations_events', value: identities, unit: 'events' });

    await domain.stop();
    await log.close();
    const t1 = performance.now();
    log = await openSqliteEventLog({ service: 'identity', registry: createNetledgerRegistry(), file: join(dir, 'identity.db') });
    domain = await startDomain(log, sources, dir);
    report({ suite: SUITE, metric: 'restart_ms', value: performance.now() - t1, unit: 'ms' });
    const afterRestart = (await log.head()).lastSeq;
    report({ suite: SUITE, metric: 'restart_appended_events', value: afterRestart - before - appended, unit: 'events' });
    // The first restart replayed the whole log and left a snapshot; the next one starts from it.
    await domain.stop();
    await log.close();
    const t3 = performance.now();
    log = await openSqliteEventLog({ service: 'identity', registry: createNetledgerRegistry(), file: join(dir, 'identity.db') });
    domain = await startDomain(log, sources, dir);
    report({ suite: SUITE, metric: 'restart_from_snapshot_ms', value: performance.now() - t3, unit: 'ms' });

    const t2 = performance.now();
    await sources.namespaceSource.upsert(namespaceObject(0, 'green'));
    await domain.settled();
    report({ suite: SUITE, metric: 'namespace_relabel_ms', value: performance.now() - t2, unit: 'ms' });
    report({ suite: SUITE, metric: 'namespace_relabel_events', value: (await log.head()).lastSeq - afterRestart, unit: 'events' });
    report({ suite: SUITE, metric: 'rss_mib', value: rssMiB(), unit: 'MiB' });
    await domain.stop();
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
