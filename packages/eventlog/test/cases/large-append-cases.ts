import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventValidationError, newEventId } from '@netledger/contracts';
import { ConcurrencyError, IdempotencyError, type AppendRequest, type EventLog } from '@netledger/eventlog';
import type { SuiteContext } from '../event-log-suite.js';
import { recomputeChain } from '../recompute-chain.js';
import { created, renamed } from '../widget-events.js';

// Many parts of an append the log sends to its writer thread while preparing it
// (SQLite), so these cases cross part boundaries there; elsewhere they are plain appends.
const REQUESTS = 1500;

/** `count` new streams of two events each, `widget/<prefix><i>`. */
function requests(prefix: string, count = REQUESTS, ids = false): AppendRequest[] {
  return Array.from({ length: count }, (_, i) => ({
    stream: `widget/${prefix}${i}`,
    expectedVersion: 'no-stream' as const,
    events: [created(`${prefix}${i}`, i, ids ? newEventId() : undefined), renamed(`${prefix}${i}b`, ids ? newEventId() : undefined)],
  }));
}

/** Appends of thousands of events in one call: results, all or nothing, retries, and what queues behind them. */
export function largeAppendCases(ctx: SuiteContext): void {
  describe('large appends', () => {
    it('return every envelope as stored, with gap-free seqs and one hash chain', async () => {
      const log = await ctx.fresh();
      await log.append('widget/first', 'no-stream', [created('first')]);
      const results = await log.appendMany(requests('l'));
      assert.equal(results.length, REQUESTS);
      results.forEach((r, i) => {
        assert.deepEqual([r.stream, r.version, r.firstSeq, r.lastSeq, r.duplicate], [`widget/l${i}`, 2, 2 + 2 * i, 3 + 2 * i, false]);
      });
      const all = await log.readAll(1);
      assert.deepEqual(results.flatMap((r) => r.events), all.slice(1));
      assert.equal(recomputeChain(all), (await log.head()).lastHash);
      assert.equal((await log.head()).lastSeq, 1 + 2 * REQUESTS);
    });

    it('write nothing when an event late in the append is invalid, or a late stream conflicts', async () => {
      const log = await ctx.fresh();
      await log.append('widget/taken', 'no-stream', [created('taken')]);
      const head = await log.head();

      const invalid = requests('v');
      invalid[REQUESTS - 2] = { stream: 'widget/bad', expectedVersion: 'any', events: [{ ...created('bad'), data: { name: '' } }] };
      await assert.rejects(log.appendMany(invalid), EventValidationError);

      const conflicting = requests('c');
      conflicting[REQUESTS - 3] = { stream: 'widget/taken', expectedVersion: 'no-stream', events: [renamed('again')] };
      await assert.rejects(log.appendMany(conflicting), (e: unknown) => {
        assert.ok(e instanceof ConcurrencyError, `expected ConcurrencyError, got ${String(e)}`);
        assert.deepEqual([e.stream, e.expected, e.actual], ['widget/taken', 'no-stream', 1]);
        assert.equal(e.message, 'stream widget/taken: expected version no-stream, actual version 1');
        return true;
      });

      const twice = requests('t', REQUESTS, true);
      const repeated = twice[3]!.events[0]!;
      twice[REQUESTS - 1] = { stream: 'widget/twice', expectedVersion: 'any', events: [repeated] };
      await assert.rejects(log.appendMany(twice), (e: unknown) => e instanceof IdempotencyError && e.eventId === repeated.id && e.stream === 'widget/twice');

      assert.deepEqual(await log.head(), head);
      assert.equal((await log.readAll(1)).length, 1);
      assert.equal((await log.append('widget/after', 'no-stream', [created('after')])).firstSeq, 2, 'the log goes on');
    });

    it('return the stored result for a retry, also beside new requests, and reject a request that is partly stored', async () => {
      const log = await ctx.fresh();
      const batch = requests('r', REQUESTS, true);
      const first = await log.appendMany(batch);
      const head = await log.head();
      assert.deepEqual(await log.appendMany(batch), first.map((r) => ({ ...r, duplicate: true })));
      assert.deepEqual(await log.head(), head);

      const partly = [...requests('p', REQUESTS - 1), { stream: 'widget/r7', expectedVersion: 2, events: [batch[7]!.events[0]!, renamed('fresh', newEventId())] }];
      await assert.rejects(log.appendMany(partly), (e: unknown) => {
        assert.ok(e instanceof IdempotencyError, `expected IdempotencyError, got ${String(e)}`);
        assert.equal(e.stream, 'widget/r7');
        assert.match(e.message, /is new but other events of the same append are already stored$/);
        return true;
      });
      assert.deepEqual(await log.head(), head);

      const mixed = await log.appendMany([...requests('m', REQUESTS - 1), batch[7]!]);
      assert.deepEqual(mixed.at(-1), { ...first[7]!, duplicate: true });
      assert.deepEqual(mixed[0]!.firstSeq, head.lastSeq + 1);
      assert.equal((await log.head()).lastSeq, head.lastSeq + 2 * (REQUESTS - 1));
    });

    it('let the appends that arrive meanwhile commit after them, together', async () => {
      let reads = 0;
      const log = await ctx.fresh({ clock: () => new Date(Date.UTC(2026, 2, 1, 9, 0, 0, ++reads)) });
      const large = log.appendMany(requests('q'));
      const small = Array.from({ length: 10 }, (_, i) => log.append(`widget/s${i}`, 'no-stream', [created(`s${i}`)]));
      const [results, ...after] = await Promise.all([large, ...small]);
      const largeTime = results![0]!.events[0]!.time;
      assert.ok(results!.every((r) => r.events.every((e) => e.time === largeTime)), 'the large append is one commit');
      const afterTimes = new Set(after.map((r) => (r as Awaited<ReturnType<EventLog['append']>>).events[0]!.time));
      assert.equal(afterTimes.size, 1, 'the appends that waited share the next commit');
      assert.ok([...afterTimes][0]! > largeTime);
      assert.deepEqual(after.map((r) => (r as Awaited<ReturnType<EventLog['append']>>).firstSeq), Array.from({ length: 10 }, (_, i) => 2 * REQUESTS + 1 + i));
    });
  });
}
