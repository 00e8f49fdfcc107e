import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startNats, type TestNats } from '@netledger/testkit';
import type { NatsConnection } from '@netledger/bus';
import { connectNetledger, type NetledgerClient, type NetledgerEvent } from '@netledger/client';
import { take, eventually } from './support/collect.js';
import { openPolicyLog, range, seqsOf, type PolicyLog } from './support/policy-log.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('subscribe: start points and filters', () => {
  let nats: TestNats;
  let nc: NatsConnection;
  let policy: PolicyLog;
  let client: NetledgerClient;
  let between: Date;

  before(async () => {
    nats = await startNats({ prefix: 'client-start' });
    nc = await nats.connect('policy-relay');
    policy = await openPolicyLog(nats.dir, nc);
    await policy.append(1, 10);
    await sleep(5);
    between = new Date();
    await sleep(5);
    await policy.append(11, 10);
    assert.equal(await policy.published(), true);
    client = await connectNetledger({ servers: nats.url, name: 'client-test' });
  });

  after(async () => {
    await client?.close();
    await policy?.close();
    await nats?.stop();
  });

  it("from 'start' delivers every event in log order, typed", async () => {
    const sub = client.subscribe({ services: ['policy'], from: 'start' });
    const events = await take(sub, 20);
    assert.deepEqual(seqsOf(events), range(1, 20));
    assert.deepEqual(sub.position(), { policy: 20 });
    assert.equal(events[0]!.service, 'policy');
    assert.equal(events[0]!.stream, 'policy/ns-1/p1');
    await sub.close();
  });

  it('from { seq } starts at that seq, from { after } right after it', async () => {
    const atSeq = client.subscribe({ services: ['policy'], from: { seq: 4 } });
    assert.deepEqual(seqsOf(await take(atSeq, 17)), range(4, 20));
    await atSeq.close();
    const afterPosition = client.subscribe({ services: ['policy'], from: { after: { policy: 17 } } });
    assert.deepEqual(afterPosition.position(), { policy: 17 });
    assert.deepEqual(seqsOf(await take(afterPosition, 3)), range(18, 20));
    await afterPosition.close();
  });

  it('from { time } starts at the first event appended at or after it', async () => {
    const sub = client.subscribe({ services: ['policy'], from: { time: between } });
    assert.deepEqual(seqsOf(await take(sub, 10)), range(11, 20));
    await sub.close();
    const iso = client.subscribe({ services: ['policy'], from: { time: between.toISOString() } });
    assert.equal((await take(iso, 1))[0]!.seq, 11);
    await iso.close();
  });

  it("from 'now' delivers only what is appended after the subscription started", async () => {
    const sub = client.subscribe({ services: ['policy'], from: 'now' });
    assert.equal(await eventually(() => sub.position().policy !== undefined), true);
    assert.deepEqual(sub.position(), { policy: 20 });
    await policy.append(21, 3);
    assert.deepEqual(seqsOf(await take(sub, 3)), range(21, 23));
    await sub.close();
  });

  it('filters by type (one subject: filtered by the server) and by object prefix', async () => {
    const deleted = client.subscribe({ services: ['policy'], types: ['PolicyDeleted'], from: 'start' });
    const got = await take(deleted, 4);
    assert.deepEqual(seqsOf(got), [5, 10, 15, 20]);
    for (const e of got) assert.equal(e.type, 'PolicyDeleted');
    await deleted.close();

    const ns1 = client.subscribe({ services: ['policy'], objects: ['policy/ns-1/'], from: { seq: 1 } });
    assert.deepEqual(seqsOf(await take(ns1, 12)), range(1, 23).filter((n) => n % 2 === 1));
    await ns1.close();

    // Two types and two prefixes: no single subject covers them, so the whole stream comes and the client filters.
    const both = client.subscribe({
      services: ['policy'],
      types: ['PolicyAccepted', 'PolicyDeleted'],
      objects: ['policy/ns-0/p2', 'cnp/'],
      from: 'start',
    });
    assert.deepEqual(seqsOf(await take(both, 6)), range(1, 23).filter((n) => n % 4 === 2));
    // Events after the last match were passed over: the position is the stream's end.
    assert.equal(await eventually(() => both.position().policy === 23), true, `position ${JSON.stringify(both.position())}`);
    await both.close();
  });

  it('narrows data by type at compile time', async () => {
    const sub = client.subscribe({ services: ['policy'], from: { seq: 5 } });
    const [e] = await take(sub, 1);
    await sub.close();
    assert.equal(describePolicyChange(e!), 'deleted NetworkPolicy ns-1/p1 at revision 5');
  });
});

describe('subscribe: exactly once, in order, across interruptions', () => {
  let nats: TestNats;
  let nc: NatsConnection;
  let policy: PolicyLog;

  before(async () => {
    nats = await startNats({ prefix: 'client-resume' });
    nc = await nats.connect('policy-relay');
    policy = await openPolicyLog(nats.dir, nc);
  });

  after(async () => {
    await policy?.close();
    await nats?.stop();
  });

  it('the server restarts mid-stream while events keep being appended: every event once, in order', async () => {
    const client = await connectNetledger({ servers: nats.url, name: 'client-restart' });
    const total = 300;
    try {
      const sub = client.subscribe({ services: ['policy'], from: 'start' });
      const appending = (async () => {
        for (let n = 1; n <= total; n += 10) {
          await policy.append(n, 10);
          await sleep(10);
        }
      })();
      const first = await take(sub, 60);
      await nats.server.restart();
      await appending;
      const rest = await take(sub, total - 60);
      assert.deepEqual(seqsOf([...first, ...rest]), range(1, total));
      assert.deepEqual(sub.position(), { policy: total });
      // Nothing more is pending: a duplicate would show up here.
      await policy.append(total + 1, 1);
      assert.deepEqual(seqsOf(await take(sub, 1)), [total + 1]);
      await sub.close();
    } finally {
      await client.close();
    }
  });

  it('a client closed mid-stream and a new one resuming from position(): every event once, in order', async () => {
    const start = (await policy.log.readAll(1)).length + 1;
    const total = 200;
    const appending = (async () => {
      for (let n = start; n < start + total; n += 20) {
        await policy.append(n, 20);
        await sleep(5);
      }
    })();
    const first = await connectNetledger({ servers: nats.url, name: 'client-first' });
    const sub1 = first.subscribe({ services: ['policy'], from: { seq: start } });
    const part1 = await take(sub1, 70);
    const position = sub1.position();
    // Events already fetched but not taken are not in the position.
    assert.deepEqual(position, { policy: start + 69 });
    await first.close();

    const second = await connectNetledger({ servers: nats.url, name: 'client-second' });
    try {
      const sub2 = second.subscribe({ services: ['policy'], from: { after: position } });
      await appending;
      const part2 = await take(sub2, total - 70);
      assert.deepEqual(seqsOf([...part1, ...part2]), range(start, start + total - 1));
    } finally {
      await second.close();
    }
  });
});

/** A switch on `type` narrows `data`: this only compiles if the event union is right. */
function describePolicyChange(e: NetledgerEvent<'policy'>): string {
  switch (e.type) {
    case 'PolicyAccepted':
      return `accepted ${e.data.kind} ${e.data.namespace}/${e.data.name} at revision ${e.data.revision} (${e.data.rules.length} subjects)`;
    case 'PolicyRejected':
      return `rejected ${e.data.kind} ${e.data.namespace}/${e.data.name}: ${e.data.errors.map((x) => x.message).join('; ')}`;
    case 'PolicyDeleted':
      return `deleted ${e.data.kind} ${e.data.namespace}/${e.data.name} at revision ${e.data.revision}`;
  }
}
