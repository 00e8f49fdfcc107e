import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope } from '@netledger/contracts';
import { openSqliteEventLog, type EventLog } from '@netledger/eventlog';
import { jetStreamName } from '@netledger/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus, NatsServerProcess, type EventHandler, type NatsConnection } from '@netledger/bus';
import type { QueuedIterator, Status } from '@nats-io/transport-node';
import { TEST_SERVICE, testRegistry, thingNoted } from './test-events.js';

/** A temp dir removed by `cleanup`. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `netledger-bus-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function startNats(dir: string, storeName = 'nats-store'): Promise<NatsServerProcess> {
  return NatsServerProcess.start({ storeDir: join(dir, storeName) });
}

export function connect(server: NatsServerProcess, name: string): Promise<NatsConnection> {
  return connectBus({ servers: server.url, name });
}

export function openLog(dir: string, file = 'events.db'): Promise<EventLog> {
  return openSqliteEventLog({ service: TEST_SERVICE, registry: testRegistry(), file: join(dir, file) });
}

/** Appends `count` ThingNoted events, `perAppend` per transaction, spread over a few streams. */
export async function appendThings(log: EventLog, count: number, options: { from?: number; perAppend?: number } = {}): Promise<void> {
  const from = options.from ?? 1;
  const per = options.perAppend ?? 10;
  for (let n = from; n < from + count; n += per) {
    const events = [];
    for (let k = n; k < Math.min(n + per, from + count); k++) events.push(thingNoted(k));
    await log.append(`thing/${n % 3}`, 'any', events);
  }
}

/** What the stream holds at each sequence: message id and the envelope seq inside. */
export async function streamContents(nc: NatsConnection): Promise<Array<{ seq: number; msgId: string; eventSeq: number; eventId: string }>> {
  const jsm = await jetstreamManager(nc);
  const name = jetStreamName(TEST_SERVICE);
  const info = await jsm.streams.info(name);
  const out = [];
  // Requests in parallel chunks: one round trip per chunk instead of per message.
  for (let from = info.state.first_seq; from <= info.state.last_seq; from += 250) {
    const seqs = range(from, Math.min(from + 249, info.state.last_seq));
    const msgs = await Promise.all(seqs.map((seq) => jsm.streams.getMessage(name, { seq })));
    for (const msg of msgs) {
      if (!msg) continue;
      const env = msg.json<{ seq: number; id: string }>();
      out.push({ seq: msg.seq, msgId: msg.header.get('Nats-Msg-Id'), eventSeq: env.seq, eventId: env.id });
    }
  }
  return out;
}

/** Remembers what it was asked to do. */
export class RecordingHandler implements EventHandler {
  readonly events: EventEnvelope[] = [];
  resets = 0;

  apply(event: EventEnvelope): void {
    this.events.push(event);
  }

  reset(): void {
    this.resets += 1;
    this.events.length = 0;
  }

  seqs(): number[] {
    return this.events.map((e) => e.seq);
  }
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Resolves at the connection's next reconnect. Subscribe before causing the disconnect. */
export function nextReconnect(nc: NatsConnection, timeoutMs = 20_000): Promise<void> {
  const statuses = nc.status() as QueuedIterator<Status>;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      statuses.stop();
      reject(new Error(`no reconnect within ${timeoutMs} ms`));
    }, timeoutMs);
    void (async () => {
      for await (const s of statuses) {
        if (s.type !== 'reconnect') continue;
        clearTimeout(timer);
        statuses.stop();
        resolve();
        return;
      }
    })();
  });
}

/** A temp dir with its own nats-server, a client connection and a SQLite event log. */
export interface World {
  readonly dir: string;
  readonly server: NatsServerProcess;
  readonly nc: NatsConnection;
  readonly log: EventLog;
  /** Closes whatever the test opened in this world, then the world itself. */
  close(...extra: Array<{ stop(): Promise<void> }>): Promise<void>;
}

export async function openWorld(name: string): Promise<World> {
  const tmp = await tempDir(name);
  const server = await startNats(tmp.dir);
  const nc = await connect(server, name);
  const log = await openLog(tmp.dir);
  return {
    dir: tmp.dir,
    server,
    nc,
    log,
    async close(...extra) {
      for (const e of extra) await e.stop().catch(() => undefined);
      await nc.close().catch(() => undefined);
      await log.close().catch(() => undefined);
      await server.stop();
      await tmp.cleanup();
    },
  };
}

/** Polls `test` until it holds; false after `timeoutMs`. */
export async function eventually(test: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}
