import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetledgerRegistry } from '@netledger/contracts';
import { openSqliteEventLog, type EventLog } from '@netledger/eventlog';
import { MemoryClusterSources, type EndpointSlice, type Service } from '@netledger/k8s';
import { LbDomain } from '@netledger/lb-service';
import { parseServiceArgs, type ServiceContext } from '@netledger/runtime';
import { quantile, rssMiB, type Figure } from '../figures.js';

const SERVICES = 10_000;
const ENDPOINTS = 10;
const CHANGES = 200;

function service(i: number): Service {
  return {
    metadata: { namespace: `ns-${i % 100}`, name: `svc-${i}`, uid: `svc-uid-${i}`, resourceVersion: '1' },
    spec: { clusterIP: `10.96.${(i >> 8) & 255}.${i & 255}`, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

function slice(i: number, version: number, firstReady: boolean): EndpointSlice {
  return {
    metadata: {
      namespace: `ns-${i % 100}`,
      name: `svc-${i}-abcde`,
      uid: `slice-uid-${i}`,
      resourceVersion: String(version),
      labels: { 'kubernetes.io/service-name': `svc-${i}` },
    },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: Array.from({ length: ENDPOINTS }, (_, e) => ({
      addresses: [`10.${100 + ((i >> 12) & 15)}.${(i >> 4) & 255}.${((i & 15) << 4) | e}`],
      conditions: e === 0 && !firstReady ? { ready: false, serving: true, terminating: true } : { ready: true, serving: true, terminating: false },
      nodeName: `node-${(i + e) % 50}`,
    })),
  };
}

function context(dir: string, log: EventLog, sources: MemoryClusterSources): ServiceContext {
  const config = parseServiceArgs('lb', ['--data-dir', dir]);
  if (!config) throw new Error('lb bench: no config');
  return { config, log, sources, logger: { info: () => {}, error: (m) => process.stderr.write(`lb bench: ${m}\n`) } };
}

// The log as the domain sees it, recording how long each appendMany takes while `sink` is set.
function timedAppends(log: EventLog, timing: { sink: number[] | undefined }): EventLog {
  return new Proxy(log, {
    get(target, prop) {
      if (prop === 'appendMany') {
        return async (requests: Parameters<EventLog['appendMany']>[0]) => {
          const t0 = performance.now();
          const results = await target.appendMany(requests);
          timing.sink?.push(performance.now() - t0);
          return results;
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The LB service in-process on a real SQLite log (synchronous=FULL) with in-memory sources:
 * ingest of 10,000 services with 10 endpoints each, a restart over that log, and single
 * endpoint changes with every service present (events per change and time until they are stored).
 */
export async function lbBench(report: (f: Figure) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'netledger-lb-bench-'));
  const log = await openSqliteEventLog({ service: 'lb', registry: createNetledgerRegistry(), file: join(dir, 'lb.db') });
  const timing: { sink: number[] | undefined } = { sink: undefined };
  const timed = timedAppends(log, timing);
  const sources = new MemoryClusterSources();
  const fig = (metric: string, value: number, unit: string): void => report({ suite: 'lb', metric, value, unit });
  let domain = new LbDomain();
  try {
    await domain.start(context(dir, timed, sources));

    const t0 = performance.now();
    const delivered: Array<Promise<void>> = [];
    for (let i = 0; i < SERVICES; i++) {
      delivered.push(sources.serviceSource.upsert(service(i)));
      delivered.push(sources.endpointSliceSource.upsert(slice(i, 1, true)));
    }
    await Promise.all(delivered);
    await domain.settled();
    const ingestS = (performance.now() - t0) / 1000;
    const ingested = (await log.head()).lastSeq;
    fig('ingest_services_per_s', SERVICES / ingestS, 'services/s');
    fig('ingest_events_per_s', ingested / ingestS, 'events/s');
    fig('ingest_events', ingested, 'events');

    await domain.stop();
    const r0 = performance.now();
    domain = new LbDomain();
    await domain.start(context(dir, timed, sources));
    fig('restart_ms', performance.now() - r0, 'ms');
    fig('restart_events', (await log.head()).lastSeq - ingested, 'events');

    // Each measured change turns one ready endpoint of one service into a terminating one, with
    // every service present; putting it back is not measured.
    const times: number[] = [];
    const appendTimes: number[] = [];
    timing.sink = appendTimes;
    let minEvents = Infinity;
    let maxEvents = 0;
    let version = 1;
    for (let k = 0; k < CHANGES; k++) {
      const i = (k * 7919) % SERVICES;
      const before = (await log.head()).lastSeq;
      const changed = slice(i, ++version, false);
      const c0 = performance.now();
      await sources.endpointSliceSource.upsert(changed);
      await domain.settled();
      times.push(performance.now() - c0);
      const events = (await log.head()).lastSeq - before;
      minEvents = Math.min(minEvents, events);
      maxEvents = Math.max(maxEvents, events);
      timing.sink = undefined;
      await sources.endpointSliceSource.upsert(slice(i, ++version, true));
      await domain.settled();
      timing.sink = appendTimes;
    }
    times.sort((a, b) => a - b);
    appendTimes.sort((a, b) => a - b);
    fig('endpoint_change_events_min', minEvents, 'events');
    fig('endpoint_change_events_max', maxEvents, 'events');
    fig('endpoint_change_p50_ms', quantile(times, 0.5), 'ms');
    fig('endpoint_change_p99_ms', quantile(times, 0.99), 'ms');
    fig('endpoint_change_max_ms', times.at(-1) ?? NaN, 'ms');
    // The part of it spent in appendMany (one transaction, one fsync): the rest is the service's own.
    fig('endpoint_change_append_p50_ms', quantile(appendTimes, 0.5), 'ms');
    fig('endpoint_change_append_p99_ms', quantile(appendTimes, 0.99), 'ms');
    fig('rss_mib', rssMiB(), 'MiB');
  } finally {
    await domain.stop();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
