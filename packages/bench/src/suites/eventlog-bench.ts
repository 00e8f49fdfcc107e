import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetledgerRegistry, newEventId, type NewEvent } from '@netledger/contracts';
import { EventConsumer, MemoryCursorStore, NatsServerProcess, connectBus, ensureServiceStream } from '@netledger/bus';
import { startRelayThread } from '@netledger/runtime';
import { openSqliteEventLog, type AppendRequest, type EventLog } from '@netledger/eventlog';
import { quantile, rssMiB, type Figure } from '../figures.js';

export interface EventlogBenchOptions {
  /** Events for the throughput run. */
  readonly events: number;
  /** Events per appendMany transaction in the throughput run. */
  readonly batch: number;
  /** Target rate and duration of the latency run. */
  readonly rate: number;
  readonly seconds: number;
}

export const EVENTLOG_DEFAULTS: EventlogBenchOptions = { events: 100_000, batch: 500, rate: 1000, seconds: 10 };

const cause = { kind: 'kubernetes', objectKind: 'Pod', namespace: 'bench', name: 'pod', uid: 'u', resourceVersion: '1' } as const;

// A realistic event: an endpoint with labels, IPs and a named port.
function endpointEvent(i: number): NewEvent {
  return {
    type: 'EndpointUpserted',
    data: {
      namespace: 'bench',
      pod: `pod-${i}`,
      uid: `uid-${i}`,
      node: `node-${i % 50}`,
      ips: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
      identity: 256 + (i % 1000),
      labels: { app: `app-${i % 1000}`, tier: 'web', 'io.kubernetes.pod.namespace': 'bench' },
      namedPorts: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
    cause,
  };
}

/**
 * Append + outbox + publish throughput, then append-to-consumer latency at a steady rate,
 * on a real SQLite file and a real nats-server (file store) in a temp dir.
 */
export async function eventlogBench(options: EventlogBenchOptions, report: (f: Figure) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'netledger-bench-'));
  const nats = await NatsServerProcess.start({ storeDir: join(dir, 'nats') });
  const registry = createNetledgerRegistry();
  try {
    // The steady-rate latency run goes first, so it does not pay for the garbage and the WAL
    // the throughput run leaves behind: each figure measures one workload.
    await latencyRun(nats.url, dir, options, report);
    {
      const file = join(dir, 'throughput.db');
      const log = await openSqliteEventLog({ service: 'identity', registry, file });
      // The relay runs as in a service: on its own thread, reading what the appends commit.
      const relay = await startRelayThread({ storage: { kind: 'sqlite', file }, service: 'identity', natsServers: [nats.url], batchSize: 1000, log });
      const t0 = performance.now();
      for (let i = 0; i < options.events; i += options.batch) {
        const requests: AppendRequest[] = [];
        for (let j = i; j < Math.min(options.events, i + options.batch); j++) {
          requests.push({ stream: `endpoint/bench/pod-${j}`, expectedVersion: 'any', events: [endpointEvent(j)] });
        }
        await log.appendMany(requests);
        relay.notify();
      }
      const appended = performance.now();
      await relay.drain(120_000);
      const published = performance.now();
      report({ suite: 'eventlog', metric: 'append_events_per_s', value: options.events / ((appended - t0) / 1000), unit: 'events/s' });
      report({ suite: 'eventlog', metric: 'append_publish_events_per_s', value: options.events / ((published - t0) / 1000), unit: 'events/s' });
      await relay.stop();
      await log.close();
    }
    report({ suite: 'eventlog', metric: 'rss_mib', value: rssMiB(), unit: 'MiB' });
  } finally {
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function latencyRun(url: string, dir: string, options: EventlogBenchOptions, report: (f: Figure) => void): Promise<void> {
  const registry = createNetledgerRegistry();
  const file = join(dir, 'latency.db');
  const log: EventLog = await openSqliteEventLog({ service: 'policy', registry, file });
  const nc = await connectBus({ servers: url, name: 'bench-latency' });
  await ensureServiceStream(nc, 'policy');
  const relay = await startRelayThread({ storage: { kind: 'sqlite', file }, service: 'policy', natsServers: [url], log });
  const sentAt = new Map<string, number>();
  const appendLat: number[] = [];
  const latencies: number[] = [];
  const consumer = new EventConsumer({
    nc,
    service: 'policy',
    registry,
    name: 'bench',
    cursors: new MemoryCursorStore(),
    handler: {
      apply: (e) => {
        const t = sentAt.get(e.id);
        if (t !== undefined) latencies.push(performance.now() - t);
      },
      reset: () => {},
    },
  });
  await consumer.start();
  const total = options.rate * options.seconds;
  const appends: Promise<unknown>[] = [];
  const t0 = performance.now();
  // Open loop: each append is issued at its scheduled time whether or not earlier ones have
  // finished, as changes arrive in a real service; the log groups what arrives together.
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    else if (i % 50 === 0) await new Promise((r) => setImmediate(r)); // let I/O run when behind
    const id = newEventId();
    sentAt.set(id, performance.now());
    appends.push(
      log
        .append(`policy/bench/p-${i}`, 'no-stream', [
          {
            id,
            type: 'PolicyDeleted',
            data: { kind: 'NetworkPolicy', namespace: 'bench', name: `p-${i}`, uid: `u-${i}`, revision: i + 1 },
            cause: { kind: 'command', command: 'bench', actor: 'bench' },
          },
        ])
        .then(() => { appendLat.push(performance.now() - sentAt.get(id)!); relay.notify(); }),
    );
  }
  await Promise.all(appends);
  const elapsed = (performance.now() - t0) / 1000;
  await consumer.waitForSeq(total, 30_000);
  latencies.sort((a, b) => a - b);
  appendLat.sort((a, b) => a - b);
  report({ suite: 'eventlog', metric: 'append_p50_ms', value: quantile(appendLat, 0.5), unit: 'ms' });
  report({ suite: 'eventlog', metric: 'append_p99_ms', value: quantile(appendLat, 0.99), unit: 'ms' });
  report({ suite: 'eventlog', metric: 'latency_run_events_per_s', value: total / elapsed, unit: 'events/s' });
  report({ suite: 'eventlog', metric: 'append_to_consumer_p50_ms', value: quantile(latencies, 0.5), unit: 'ms' });
  report({ suite: 'eventlog', metric: 'append_to_consumer_p99_ms', value: quantile(latencies, 0.99), unit: 'ms' });
  report({ suite: 'eventlog', metric: 'append_to_consumer_max_ms', value: latencies.at(-1) ?? NaN, unit: 'ms' });
  await consumer.stop();
  await relay.stop();
  await nc.close();
  await log.close();
}
