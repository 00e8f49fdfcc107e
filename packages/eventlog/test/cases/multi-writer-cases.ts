import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyError, type EventLog } from '@netledger/eventlog';
import type { SuiteContext } from '../event-log-suite.js';
import { recomputeChain } from '../recompute-chain.js';
import { created, renamed } from '../widget-events.js';

/** Two log instances (two connections or pools) writing to one database at the same time. */
export function multiWriterCases(ctx: SuiteContext): void {
  describe('two writers on one database', () => {
    it('logs opened at the same moment on a new database all migrate it and work', async () => {
      const database = await ctx.newDatabase();
      const opening = await Promise.allSettled([0, 1, 2].map(() => ctx.open(database)));
      const logs = opening.map((o, i) => {
        assert.equal(o.status, 'fulfilled', `opener ${i}: ${o.status === 'rejected' ? String(o.reason) : ''}`);
        return (o as PromiseFulfilledResult<EventLog>).value;
      });
      await Promise.all(logs.map((log, i) => log.append(`widget/open${i}`, 'no-stream', [created(`open${i}`)])));
      for (const log of logs) assert.equal((await log.head()).lastSeq, 3);
    });

    it('interleaved appends to different streams all succeed with unique, gap-free seqs', async () => {
      const database = await ctx.newDatabase();
      const a = await ctx.open(database);
      const b = await ctx.open(database);
      const appends = 24;

      const results = await Promise.all(
        Array.from({ length: appends }, (_, i) => (i % 2 === 0 ? a : b).append(`widget/mw${i}`, 'no-stream', [created(`mw${i}`), renamed(`mw${i}b`)])),
      );

      for (const r of results) {
        assert.equal(r.version, 2);
        assert.equal(r.lastSeq, r.firstSeq + 1, `the two events of ${r.stream} are adjacent in the log`);
      }
      const claimed = results.flatMap((r) => [r.firstSeq, r.lastSeq]).sort((x, y) => x - y);
      assert.deepEqual(claimed, Array.from({ length: appends * 2 }, (_, i) => i + 1));

      const fromA = await a.readAll(1);
      assert.deepEqual(fromA, await b.readAll(1));
      assert.deepEqual(fromA.map((e) => e.seq), claimed);
      const byStream = new Map(results.map((r) => [r.stream, r]));
      for (const e of fromA) {
        const r = byStream.get(e.stream);
        assert.ok(r, `event ${e.seq} belongs to an append`);
        assert.equal(e.seq, r.firstSeq + e.version - 1);
      }
      const head = await a.head();
      assert.deepEqual(await b.head(), head);
      assert.equal(head.lastSeq, appends * 2);
      assert.equal(head.outboxBacklog, appends * 2);
      assert.equal(recomputeChain(fromA), head.lastHash, 'one unbroken hash chain across both writers');
    });

    it('of two appends to one stream with the same expected version, exactly one wins', async () => {
      const database = await ctx.newDatabase();
      const a = await ctx.open(database);
      const b = await ctx.open(database);
      const rounds = 6;

      await a.append('widget/race', 'no-stream', [created('race')]);
      for (let round = 0; round < rounds; round++) {
        const expected = round + 1;
        const settled = await Promise.allSettled([
          a.append('widget/race', expected, [renamed(`a${round}`)]),
          b.append('widget/race', expected, [renamed(`b${round}`)]),
        ]);
        const won = settled.filter((s) => s.status === 'fulfilled');
        const lost = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
        assert.equal(won.length, 1, `round ${round}: one append wins (${settled.map((s) => s.status).join(', ')})`);
        assert.equal(lost.length, 1);
        const error: unknown = lost[0]?.reason;
        assert.ok(error instanceof ConcurrencyError, `round ${round}: the loser gets ConcurrencyError, not ${String(error)}`);
        assert.equal(error.stream, 'widget/race');
        assert.equal(error.expected, expected);
        assert.equal(error.actual, expected + 1);
      }
      // And for a new stream, where both say 'no-stream'.
      const fresh = await Promise.allSettled([
        a.append('widget/new', 'no-stream', [created('from-a')]),
        b.append('widget/new', 'no-stream', [created('from-b')]),
      ]);
      assert.deepEqual(fresh.map((s) => s.status).sort(), ['fulfilled', 'rejected']);

      assert.equal(await a.streamVersion('widget/race'), rounds + 1);
      assert.deepEqual((await b.readStreamForward('widget/race')).map((e) => e.version), Array.from({ length: rounds + 1 }, (_, i) => i + 1));
      const head = await b.head();
      assert.equal(head.lastSeq, rounds + 2);
      assert.equal(recomputeChain(await a.readAll(1)), head.lastHash);
    });
  });
}
