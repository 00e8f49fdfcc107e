import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventSubject, jetStreamName, newEventId, type EventEnvelope } from '@netledger/contracts';
import { ensureServiceStream, type NatsConnection } from '@netledger/bus';
import { jetstream } from '@nats-io/jetstream';
import { startNats, type TestNats } from '@netledger/testkit';
import { connectNetledger, type MalformedEventError } from '@netledger/client';
import { take } from './support/collect.js';
import { seqsOf } from './support/policy-log.js';

function envelope(seq: number, data: Record<string, unknown> = { kind: 'NetworkPolicy', namespace: 'x', name: 'p', uid: 'u', revision: seq }): EventEnvelope {
  return {
    id: newEventId(),
    service: 'policy',
    stream: 'policy/x/p',
    version: seq,
    seq,
    type: 'PolicyDeleted',
    schemaVersion: 1,
    time: new Date().toISOString(),
    cause: { kind: 'command', command: 'client test', actor: 'test' },
    data,
  };
}

describe('subscribe: malformed messages', () => {
  let nats: TestNats;
  let nc: NatsConnection;

  before(async () => {
    nats = await startNats({ prefix: 'client-malformed' });
    nc = await nats.connect('writer');
    await ensureServiceStream(nc, 'policy');
    // Published by hand, stream seq = envelope seq as the relay does, with two bad messages
    // where events 3 and 6 belong.
    const js = jetstream(nc);
    const subject = eventSubject('policy', 'PolicyDeleted', 'policy/x/p');
    for (let seq = 1; seq <= 7; seq++) {
      const payload =
        seq === 3 ? 'not json {' : JSON.stringify(seq === 6 ? envelope(seq, { kind: 'NetworkPolicy', name: 'p' }) : envelope(seq));
      const ack = await js.publish(subject, payload, { msgID: `m-${seq}` });
      assert.equal(ack.seq, seq);
    }
  });

  after(async () => {
    await nats?.stop();
  });

  it('reports each malformed message once, skips it and goes on', async () => {
    const client = await connectNetledger({ servers: nats.url });
    const malformed: MalformedEventError[] = [];
    try {
      const sub = client.subscribe({ services: ['policy'], from: 'start', onMalformed: (e) => malformed.push(e) });
      assert.deepEqual(seqsOf(await take(sub, 4)), [1, 2, 4, 5]);
      assert.deepEqual(seqsOf(await take(sub, 1)), [7]);
      assert.deepEqual(
        malformed.map((e) => ({ service: e.service, stream: e.stream, streamSeq: e.streamSeq, code: e.code })),
        [
          { service: 'policy', stream: jetStreamName('policy'), streamSeq: 3, code: 'EVENT_MALFORMED' },
          { service: 'policy', stream: jetStreamName('policy'), streamSeq: 6, code: 'EVENT_MALFORMED' },
        ],
      );
      assert.match(malformed[0]!.message, /seq 3: payload is not JSON/);
      assert.match(malformed[1]!.message, /seq 6: .*PolicyDeleted.*invalid/);
      assert.deepEqual(sub.position(), { policy: 7 });
    } finally {
      await client.close();
    }
  });

  it('a callback that throws does not stop the iteration', async () => {
    const client = await connectNetledger({ servers: nats.url });
    try {
      const sub = client.subscribe({
        services: ['policy'],
        from: 'start',
        onMalformed: () => {
          throw new Error('callback failed');
        },
      });
      assert.deepEqual(seqsOf(await take(sub, 5)), [1, 2, 4, 5, 7]);
    } finally {
      await client.close();
    }
  });
});
