import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetStreamName } from '@netledger/contracts';
import { ensureServiceStream, type NatsServerProcess } from '@netledger/bus';
import { publishPipelined, type PipelinedMessage } from '../src/internal/pipelined-publisher.js';
import { connect, startNats, tempDir } from './support/fixtures.js';
import { TEST_SERVICE } from './support/test-events.js';

const STREAM = jetStreamName(TEST_SERVICE);

// Messages for stream seqs from..to; `wrongAt` carries an expected last seq the stream cannot have.
function messages(from: number, to: number, tag: string, wrongAt?: number): PipelinedMessage[] {
  const out: PipelinedMessage[] = [];
  for (let seq = from; seq <= to; seq++) {
    out.push({
      subject: `netledger.${TEST_SERVICE}.v1.ThingNoted.pipelined`,
      payload: `{"seq":${seq}}`,
      msgId: `${tag}-${seq}`,
      expectedLastSeq: seq === wrongAt ? seq + 100 : seq - 1,
    });
  }
  return out;
}

describe('publishPipelined acknowledgement checkpoints', () => {
  let cleanup: () => Promise<void>;
  let server: NatsServerProcess;
  let nc: NatsConnection;
  before(async () => {
    const tmp = await tempDir('pipelined');
    cleanup = tmp.cleanup;
    server = await startNats(tmp.dir);
    nc = await connect(server, 'pipelined-test');
  });
  after(async () => {
    await nc.close();
    await server.stop();
    await cleanup();
  });

  async function freshStream(): Promise<void> {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(STREAM).catch(() => undefined);
    await ensureServiceStream(nc, TEST_SERVICE);
  }

  it('confirms a whole batch from its checkpoints', async () => {
    await freshStream();
    const results = await publishPipelined(nc, messages(1, 10, 'ok'), 10_000, 4);
    assert.deepEqual(
      results.map((r) => (r.ok ? r.seq : 'error')),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.equal((await (await jetstreamManager(nc)).streams.info(STREAM)).state.last_seq, 10);
  });

  it('gives the messages between checkpoints their checkpoint outcome; per-message acks name the exact one', async () => {
    await freshStream();
    // Message 6 is refused, so 7..10 are too (each expects the one before it).
    const coarse = await publishPipelined(nc, messages(1, 10, 'coarse', 6), 10_000, 4);
    assert.deepEqual(
      coarse.map((r) => r.ok),
      [true, true, true, true, false, false, false, false, false, false],
      'the checkpoint at 8 failed, so 5..8 are not confirmed (5 was in fact stored)',
    );
    assert.equal((await (await jetstreamManager(nc)).streams.info(STREAM)).state.last_seq, 5);

    await freshStream();
    const fine = await publishPipelined(nc, messages(1, 10, 'fine', 6), 10_000, 1);
    assert.deepEqual(
      fine.map((r) => r.ok),
      [true, true, true, true, true, false, false, false, false, false],
    );
    const first = fine[5]!;
    assert.ok(!first.ok && /wrong last sequence/i.test(first.error.message), `got ${!first.ok ? first.error.message : 'ok'}`);
  });
});
