import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventSubject, newEventId } from '@netledger/contracts';
import { GENESIS_HASH } from '@netledger/eventlog';
import type { SuiteContext } from '../event-log-suite.js';
import { recomputeChain, type StoredEvent } from '../recompute-chain.js';
import { created, renamed } from '../widget-events.js';

/** The transactional outbox and the hash chain over the stored events. */
export function outboxCases(ctx: SuiteContext): void {
  describe('outbox', () => {
    it('gets one entry per appended event, in seq order, with the event subject and the stored envelope', async () => {
      const log = await ctx.fresh();
      await log.append('widget/default/w.1', 'no-stream', [created('w1'), renamed('w1b')]);
      await log.append('widget/other', 'no-stream', [created('o')]);

      const entries = await log.outboxPeek(10);
      const events = await log.readAll(1);
      assert.deepEqual(
        entries.map((e) => [e.seq, e.eventId, e.subject]),
        events.map((e) => [e.seq, e.id, eventSubject('policy', e.type, e.stream)]),
      );
      // The subject layout itself, spelled out once: a dot inside a stream token is escaped.
      assert.equal(entries[0]?.subject, 'netledger.policy.v1.WidgetCreated.widget.default.w%2E1');
      assert.equal(entries[2]?.subject, 'netledger.policy.v1.WidgetCreated.widget.other');
      assert.deepEqual(
        entries.map((e) => JSON.parse(e.payload) as unknown),
        events,
      );
      assert.deepEqual((await log.outboxPeek(2)).map((e) => e.seq), [1, 2]);
      assert.equal((await log.head()).outboxBacklog, 3);
    });

    it('outboxAck marks entries up to a seq published; the events stay in the log', async () => {
      const log = await ctx.fresh();
      await log.append('widget/a', 'no-stream', [created('a'), renamed('a2'), renamed('a3')]);
      await log.append('widget/b', 'no-stream', [created('b')]);

      await log.outboxAck(2);
      assert.deepEqual((await log.outboxPeek(10)).map((e) => e.seq), [3, 4]);
      assert.equal((await log.head()).outboxBacklog, 2);
      await log.outboxAck(2);
      assert.equal((await log.head()).outboxBacklog, 2, 'acking again changes nothing');
      await log.outboxAck(100);
      assert.deepEqual(await log.outboxPeek(10), []);
      assert.equal((await log.head()).outboxBacklog, 0);
      assert.equal((await log.readAll(1)).length, 4);

      const ids = [newEventId()];
      await log.append('widget/c', 'no-stream', [created('c', 1, ids[0])]);
      assert.deepEqual((await log.outboxPeek(10)).map((e) => [e.seq, e.eventId]), [[5, ids[0]]]);
      await log.append('widget/c', 'no-stream', [created('c', 1, ids[0])]);
      assert.equal((await log.head()).outboxBacklog, 1, 'a duplicate append adds no outbox entry');
    });
  });

  describe('hash chain', () => {
    it('starts at the genesis hash on an empty log', async () => {
      const log = await ctx.fresh();
      assert.deepEqual(await log.head(), { lastSeq: 0, lastTime: null, outboxBacklog: 0, lastHash: GENESIS_HASH });
    });

    it('head().lastHash equals the chain recomputed over the events read back', async () => {
      const log = await ctx.fresh();
      await log.append('widget/h', 'no-stream', [created('h', 7), renamed('h2')]);
      await log.appendMany([
        { stream: 'widget/i', expectedVersion: 'no-stream', events: [created('i')] },
        { stream: 'widget/h', expectedVersion: 2, events: [renamed('h3')] },
      ]);
      await log.append('widget/j "quoted" ü', 'any', [created('unicode ✓ "q"', 0)]);

      const events = await log.readAll(1);
      const head = await log.head();
      assert.equal(recomputeChain(events), head.lastHash);
      // The same chain from the stored envelopes the outbox publishes.
      const published = (await log.outboxPeek(100)).map((e) => JSON.parse(e.payload) as StoredEvent);
      assert.equal(recomputeChain(published), head.lastHash);

      // And the chain does notice a change to any stored field.
      const tampered = events.map((e) => (e.seq === 2 ? { ...e, data: { name: 'h2!' } } : e));
      assert.notEqual(recomputeChain(tampered), head.lastHash);
      const reordered = [events[1]!, events[0]!, ...events.slice(2)];
      assert.notEqual(recomputeChain(reordered), head.lastHash);
    });
  });
}
