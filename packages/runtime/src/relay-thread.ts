import { Worker } from 'node:worker_threads';
import type { RelayStats } from '@netledger/bus';
import type { EventLog } from '@netledger/eventlog';
import type { FromRelayThread, RelayThreadData, ToRelayThread } from './relay-thread-protocol.js';

/** The outbox relay as the service's main thread sees it. */
export interface RelayHandle {
  /** Wakes the relay after an append (coalesced: at most one message per turn of the event loop). */
  notify(): void;
  /** The latest figures the relay thread reported (at most ~100 ms old). */
  stats(): RelayStats;
  /** Resolves true once everything appended so far is published and acknowledged. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Lets the batch in flight finish, closes the thread's connections, ends the thread. */
  stop(): Promise<void>;
}

export interface RelayThreadOptions extends RelayThreadData {
  /** The log the main thread writes: the relay's confirmed position is recorded through it. */
  readonly log: Pick<EventLog, 'outboxAck'>;
  readonly onError?: (message: string) => void;
}

/**
 * Runs the outbox relay on a worker thread with its own database and NATS connections.
 *
 * Why a thread: appending (validate, hash, insert, fsync) and publishing (read, encode, send,
 * confirm) each cost tens of microseconds per event, and on one thread they add up; on two
 * cores they overlap, which is what makes a service keep up with a burst of changes. The
 * log is the only channel between the two: the main thread commits, then nudges the relay,
 * which reads what committed (WAL readers never block the writer).
 */
export async function startRelayThread(options: RelayThreadOptions): Promise<RelayHandle> {
  const { onError, log, ...data } = options;
  const recordPublished = positionWriter(log, (e) => onError?.(`recording the outbox position: ${e.message}`));
  const worker = new Worker(new URL('./relay-thread-entry.mjs', import.meta.url), { workerData: data satisfies RelayThreadData });
  const send = (m: ToRelayThread): void => worker.postMessage(m);
  let stats: RelayStats = { published: 0, lastPublishedSeq: 0, connected: false };
  const drains = new Map<number, (ok: boolean) => void>();
  let nextDrain = 1;
  let stopped: (() => void) | undefined;
  let exited = false;

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: FromRelayThread) => {
      switch (m.kind) {
        case 'ready':
          resolve();
          break;
        case 'failed':
          reject(new Error(`${data.service} relay thread: ${m.message}`));
          void worker.terminate();
          break;
        case 'stats':
          stats = m.stats;
          break;
        case 'error':
          onError?.(m.message);
          break;
        case 'drained':
          drains.get(m.id)?.(m.ok);
          drains.delete(m.id);
          break;
        case 'published':
          recordPublished(m.upToSeq);
          break;
        case 'stopped':
          stopped?.();
          break;
      }
    });
    worker.on('error', (e) => {
      reject(e);
      onError?.(`relay thread crashed: ${e.message}`);
    });
    worker.on('exit', () => {
      exited = true;
      for (const d of drains.values()) d(false);
      drains.clear();
      stopped?.();
      reject(new Error(`${data.service} relay thread exited before it was ready`));
    });
  });
  await ready;

  let notifyQueued = false;
  return {
    notify() {
      if (notifyQueued || exited) return;
      notifyQueued = true;
      setImmediate(() => {
        notifyQueued = false;
        if (!exited) send({ kind: 'notify' });
      });
    },
    stats: () => stats,
    drain(timeoutMs) {
      if (exited) return Promise.resolve(false);
      const id = nextDrain++;
      return new Promise<boolean>((resolve) => {
        drains.set(id, resolve);
        send({ kind: 'drain', id, timeoutMs });
      });
    },
    async stop() {
      if (exited) return;
      const done = new Promise<void>((resolve) => (stopped = resolve));
      send({ kind: 'stop' });
      await done;
      await worker.terminate();
      await recordPublished.settled();
    },
  };
}

/** Writes the newest position reported, one write at a time; positions reported meanwhile collapse into one. */
function positionWriter(log: Pick<EventLog, 'outboxAck'>, onError: (e: Error) => void): ((seq: number) => void) & { settled(): Promise<void> } {
  let wanted = 0;
  let writing: Promise<void> | undefined;
  const write = (seq: number): void => {
    if (seq <= wanted) return;
    wanted = seq;
    if (writing) return;
    writing = (async () => {
      let done = 0;
      while (done < wanted) {
        const target = wanted;
        try {
          await log.outboxAck(target);
        } catch (e) {
          onError(e as Error);
        }
        done = target;
      }
      writing = undefined;
    })();
  };
  return Object.assign(write, { settled: async () => void (await writing) });
}
