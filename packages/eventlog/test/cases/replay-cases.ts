import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventEnvelope } from '@netledger/contracts';
import type { EventLog, ReplayOptions } from '@netledger/eventlog';
import type { SuiteContext } from '../event-log-suite.js';
import { ManualClock } from '../manual-clock.js';
import { created, renamed } from '../widget-events.js';

/** replay: the whole log or a window of it, in batches, the same envelopes readAll returns. */
export function replayCases(ctx: SuiteContext): void {
  describe('replay', () => {
    it('returns the log from a seq in batches of at most batchSize, the envelopes readAll returns', async () => {
      const log = await ctx.fresh();
      for (let i = 0; i < 5; i++) await log.append(`widget/r${i}`, 'no-stream', [created(`r${i}`, i), renamed(`r${i}-2`)]);
      const all = await log.readAll(1);

      const batches = await collect(log, 1, { batchSize: 3 });
      assert.deepEqual(batches.map((b) => b.length), [3, 3, 3, 1]);
      assert.deepEqual(batches.flat(), all);
      assert.deepEqual((await collect(log, 4)).flat(), all.slice(3));
      assert.deepEqual((await collect(log, 0, { batchSize: 5 })).flat(), all, 'from 0 starts at the first event');
      assert.deepEqual(await collect(log, 11), [], 'past the end: no batch');
    });

    it('stops at untilSeq, at until (the last event appended by then), or at the earlier of both', async () => {
      const clock = new ManualClock('2026-01-01T10:00:00.000Z');
      const log = await ctx.fresh({ clock: clock.now });
      await log.append('widget/a', 'no-stream', [created('a'), renamed('a2'), renamed('a3')]);
      clock.set('2026-01-01T11:00:00.000Z');
      await log.append('widget/b', 'no-stream', [created('b'), renamed('b2')]);

      const seqs = async (from: number, options: ReplayOptions) => (await collect(log, from, options)).flat().map((e) => e.seq);
      assert.deepEqual(await seqs(1, { untilSeq: 4, batchSize: 2 }), [1, 2, 3, 4]);
      assert.deepEqual(await seqs(2, { until: new Date('2026-01-01T10:30:00.000Z') }), [2, 3]);
      assert.deepEqual(await seqs(1, { until: new Date('2026-01-01T10:30:00.000Z'), untilSeq: 2 }), [1, 2]);
      assert.deepEqual(await seqs(1, { until: new Date('2026-01-01T09:00:00.000Z') }), []);
      assert.deepEqual(await seqs(4, { untilSeq: 3 }), []);
    });

    it('refuses a batch size that is not a positive integer', async () => {
      const log = await ctx.fresh();
      await assert.rejects(collect(log, 1, { batchSize: 0 }), TypeError);
    });
  });
}

async function collect(log: EventLog, fromSeq: number, options?: ReplayOptions): Promise<Array<readonly EventEnvelope[]>> {
  const out: Array<readonly EventEnvelope[]> = [];
  for await (const batch of log.replay(fromSeq, options)) out.push(batch);
  return out;
}
