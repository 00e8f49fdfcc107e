import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { createNetledgerRegistry, jetStreamName, type NewEvent } from '@netledger/contracts';
import { openSqliteEventLog } from '@netledger/eventlog';
import { startNats, type TestNats } from '@netledger/testkit';
import { startRelayThread } from '../src/relay-thread.js';

const deleted = (i: number): NewEvent => ({
  type: 'PolicyDeleted',
  data: { kind: 'NetworkPolicy', namespace: 'ns', name: `p-${i}`, uid: `u-${i}`, revision: i },
  cause: { kind: 'command', command: 'test', actor: 'test' },
});

describe('relay thread', () => {
  let nats: TestNats;
  before(async () => {
    nats = await startNats({ prefix: 'netledger-relay-thread' });
  });
  after(async () => {
    await nats.stop();
  });

  it('publishes what the main thread appends, reports stats, drains and stops', async () => {
    const file = join(nats.dir, 'policy.db');
    const log = await openSqliteEventLog({ service: 'policy', registry: createNetledgerRegistry(), file });
    const errors: string[] = [];
    const relay = await startRelayThread({ storage: { kind: 'sqlite', file }, service: 'policy', natsServers: [nats.url], log, onError: (m) => errors.push(m) });
    try {
      for (let i = 1; i <= 300; i++) {
        await log.append(`policy/ns/p-${i}`, 'no-stream', [deleted(i)]);
        relay.notify();
      }
      assert.equal(await relay.drain(20_000), true);
      assert.equal((await log.head()).outboxBacklog, 0);
      assert.equal(relay.stats().lastPublishedSeq, 300);
      assert.equal(relay.stats().connected, true);
      const nc = await nats.connect();
      const info = await (await jetstreamManager(nc)).streams.info(jetStreamName('policy'));
      assert.equal(info.state.last_seq, 300, 'stream seq = log seq');
      assert.deepEqual(errors, []);
    } finally {
      await relay.stop();
      await log.close();
    }
  });

  it('fails to start with an error naming the service when the log cannot be opened', async () => {
    const notADir = join(nats.dir, 'plain-file');
    writeFileSync(notADir, '');
    await assert.rejects(
      startRelayThread({ storage: { kind: 'sqlite', file: join(notADir, 'x.db') }, service: 'lb', natsServers: [nats.url], log: { outboxAck: async () => {} } }),
      /lb relay thread: .*cannot open SQLite event log/,
    );
  });
});
