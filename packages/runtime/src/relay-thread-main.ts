// Entry of the relay thread (see relay-thread.ts): its own log connection, its own NATS
// connection, one OutboxRelay, driven by messages from the service's main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { createNetledgerRegistry } from '@netledger/contracts';
import { connectBus, ensureServiceStream, OutboxRelay, type RelayStats } from '@netledger/bus';
import type { FromRelayThread, RelayThreadData, ToRelayThread } from './relay-thread-protocol.js';
import { openEventLog } from './storage-config.js';
import type { EventLog } from '@netledger/eventlog';

const STATS_EVERY_MS = 100;

const port = parentPort;
if (!port) throw new Error('relay-thread-main runs only as a worker thread');
const post = (m: FromRelayThread): void => port.postMessage(m);
const data = workerData as RelayThreadData;

try {
  // The relay decodes only to republish events a wiped stream lost, with the netledger catalogue.
  const opened = await openEventLog(data.storage, data.service, createNetledgerRegistry());
  // This thread only reads the log. The outbox position is written by the main thread, the
  // log's one writer: a second writer would make each side wait in SQLite's busy handler.
  const log: EventLog = Object.assign(Object.create(opened) as EventLog, {
    outboxAck: async (upToSeq: number) => post({ kind: 'published', upToSeq }),
  });
  const nc = await connectBus({ servers: [...data.natsServers], name: `netledger-${data.service}-relay`, credentials: data.natsCredentials });
  await ensureServiceStream(nc, data.service);
  const relay = new OutboxRelay({
    log,
    nc,
    ...(data.batchSize ? { batchSize: data.batchSize } : {}),
    onError: (e) => post({ kind: 'error', message: e.message }),
  });
  relay.start();

  let last = '';
  const sendStats = (): void => {
    const stats: RelayStats = relay.stats();
    const text = JSON.stringify(stats);
    if (text !== last) post({ kind: 'stats', stats });
    last = text;
  };
  const timer = setInterval(sendStats, STATS_EVERY_MS);

  port.on('message', (m: ToRelayThread) => {
    if (m.kind === 'notify') relay.notify();
    else if (m.kind === 'drain') {
      void relay.drain(m.timeoutMs).then(
        (ok) => {
          sendStats();
          post({ kind: 'drained', id: m.id, ok });
        },
        () => post({ kind: 'drained', id: m.id, ok: false }),
      );
    } else if (m.kind === 'stop') {
      clearInterval(timer);
      void (async () => {
        await relay.stop();
        sendStats();
        await nc.drain().catch(() => nc.close());
        await opened.close();
        post({ kind: 'stopped' });
        port.close();
      })();
    }
  });
  sendStats();
  post({ kind: 'ready' });
} catch (e) {
  post({ kind: 'failed', message: (e as Error).message });
  port.close();
}
