import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetledgerRegistry } from '@netledger/contracts';
import { openSqliteEventLog, type EventLog } from '@netledger/eventlog';
import { MemoryClusterSources, type PolicyObject } from '@netledger/k8s';
import { PolicyDomain } from '@netledger/policy-service';
import { parseServiceArgs, type ServiceContext } from '@netledger/runtime';
import { quantile, rssMiB, type Figure } from '../figures.js';

export interface PolicyBenchOptions {
  /** NetworkPolicies in the cluster. */
  readonly policies: number;
  readonly namespaces: number;
  /** Single changes timed one at a time (each waits for its append). */
  readonly latencySamples: number;
}

export const POLICY_DEFAULTS: PolicyBenchOptions = { policies: 10_000, namespaces: 50, latencySamples: 300 };

const SUITE = 'policy';

// A typical application policy: pods of one app admit two others on a named and a numbered
// port, plus a monitoring namespace; `variant` changes the rules, `label` only the metadata.
function policyObject(i: number, options: PolicyBenchOptions, rv: number, variant = 0, label = 'a'): PolicyObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace: `bench-${i % options.namespaces}`, name: `app-${i}`, uid: `uid-${i}`, resourceVersion: String(rv), labels: { rev: label } },
    spec: {
      podSelector: { matchLabels: { app: `app-${i}` } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { app: `app-${i + 1}` } } }, { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] } }],
          ports: [{ port: 'http' }, { protocol: 'TCP', port: 8000 + variant, endPort: 8100 + variant }],
        },
        { from: [{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } } }], ports: [{ port: 9090 }] },
      ],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] } }], ports: [{ protocol: 'UDP', port: 53 }] }],
    },
  };
}

async function startDomain(log: EventLog, sources: MemoryClusterSources, dir: string): Promise<PolicyDomain> {
  const config = parseServiceArgs('policy', ['--data-dir', dir]);
  if (!config) throw new Error('policy bench: no service config');
  const domain = new PolicyDomain();
  const context: ServiceContext = { config, log, sources, logger: { info: () => {}, error: (m) => process.stderr.write(`policy bench: ${m}\n`) } };
  await domain.start(context);
  return domain;
}

function openLog(dir: string): Promise<EventLog> {
  return openSqliteEventLog({ service: 'policy', registry: createNetledgerRegistry(), file: join(dir, 'policy.db') });
}

/**
 * The policy service's domain on a real SQLite log: the initial sync of a cluster's policies,
 * restarts with nothing changed (replay, then from the snapshot), single changes one at a time
 * (latency, one fsync each), a burst of rule changes (batched), and a burst of metadata-only
 * changes (decided, nothing appended).
 */
export async function policyBench(report: (f: Figure) => void, options: PolicyBenchOptions = POLICY_DEFAULTS): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'netledger-policy-bench-'));
  const sources = new MemoryClusterSources();
  let rv = 0;
  for (let i = 0; i < options.policies; i++) await sources.networkPolicySource.upsert(policyObject(i, options, ++rv));
  let log = await openLog(dir);
  let domain: PolicyDomain | undefined;
  try {
    const t0 = performance.now();
    domain = await startDomain(log, sources, dir);
    const syncMs = performance.now() - t0;
    const synced = (await log.head()).lastSeq;
    report({ suite: SUITE, metric: 'initial_sync_policies_per_s', value: options.policies / (syncMs / 1000), unit: 'policies/s' });
    report({ suite: SUITE, metric: 'initial_sync_appended_events', value: synced, unit: 'events' });

    await domain.stop();
    await log.close();
    const t1 = performance.now();
    log = await openLog(dir);
    domain = await startDomain(log, sources, dir);
    report({ suite: SUITE, metric: 'restart_ms', value: performance.now() - t1, unit: 'ms' });
    report({ suite: SUITE, metric: 'restart_appended_events', value: (await log.head()).lastSeq - synced, unit: 'events' });
    await domain.stop();
    await log.close();
    const t2 = performance.now();
    log = await openLog(dir);
    domain = await startDomain(log, sources, dir);
    report({ suite: SUITE, metric: 'restart_from_snapshot_ms', value: performance.now() - t2, unit: 'ms' });

    const latencies: number[] = [];
    for (let s = 0; s < options.latencySamples; s++) {
      const i = (s * 7919) % options.policies;
      const start = performance.now();
      await sources.networkPolicySource.upsert(policyObject(i, options, ++rv, 1 + s));
      await domain.idle();
      latencies.push(performance.now() - start);
    }
    latencies.sort((a, b) => a - b);
    report({ suite: SUITE, metric: 'single_change_p50_ms', value: quantile(latencies, 0.5), unit: 'ms' });
    report({ suite: SUITE, metric: 'single_change_p99_ms', value: quantile(latencies, 0.99), unit: 'ms' });

    const burst = Math.min(options.policies, 5000);
    const before = (await log.head()).lastSeq;
    const t3 = performance.now();
    for (let i = 0; i < burst; i++) await sources.networkPolicySource.upsert(policyObject(i, options, ++rv, 100_000));
    await domain.idle();
    report({ suite: SUITE, metric: 'burst_changes_per_s', value: burst / ((performance.now() - t3) / 1000), unit: 'changes/s' });
    report({ suite: SUITE, metric: 'burst_appended_events', value: (await log.head()).lastSeq - before, unit: 'events' });

    const t4 = performance.now();
    for (let i = 0; i < burst; i++) await sources.networkPolicySource.upsert(policyObject(i, options, ++rv, 100_000, 'b'));
    await domain.idle();
    report({ suite: SUITE, metric: 'metadata_only_changes_per_s', value: burst / ((performance.now() - t4) / 1000), unit: 'changes/s' });
    report({ suite: SUITE, metric: 'metadata_only_appended_events', value: (await log.head()).lastSeq - before - burst, unit: 'events' });
    report({ suite: SUITE, metric: 'rss_mib', value: rssMiB(), unit: 'MiB' });
  } finally {
    await domain?.stop();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
