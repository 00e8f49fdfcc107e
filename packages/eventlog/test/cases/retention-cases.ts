import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrunedHistoryError, RetentionError, rebuildProjection, type EventLog, type Projection } from '@netledger/eventlog';
import type { SuiteContext } from '../event-log-suite.js';
import { created, renamed } from '../widget-events.js';

/** Latest name per widget stream. */
const names: Projection<Record<string, string>> = {
  name: 'widget-names',
  version: 1,
  initial: () => ({}),
  apply: (s, e) => ({ ...s, [e.stream]: (e.data as { name: string }).name }),
};

/** pruneBefore: removes events only when snapshots keep their state, and replay never reads across the gap. */
export function retentionCases(ctx: SuiteContext): void {
  describe('retention', () => {
    it('after a prune, a rebuild from the snapshot and the remaining events ends in the state a full replay had', async () => {
      const log = await ctx.fresh();
      await fill(log, 8);
      const hash8 = (await log.head()).lastHash;
      for (let i = 0; i < 4; i++) await log.append('widget/c', 'any', [renamed(`c${i}`)]);
      await log.outboxAck(12);
      const full = await rebuildProjection(log, names, { ignoreSnapshot: true, snapshotEvery: 0 });
      await rebuildProjection(log, names, { untilSeq: 8, snapshotEvery: 0, ignoreSnapshot: true }).then((s) =>
        log.saveSnapshot({ name: names.name, projectionVersion: names.version, seq: s.seq, state: s.state }),
      );

      const marker = await log.pruneBefore(9, { reason: 'test: keep a week' });
      assert.deepEqual({ ...marker, time: 'any' }, { throughSeq: 8, throughHash: hash8, time: 'any', reason: 'test: keep a week' });
      assert.ok(!Number.isNaN(Date.parse(marker.time)));
      assert.deepEqual(await log.retention(), marker);
      assert.deepEqual((await log.readAll(1)).map((e) => e.seq), [9, 10, 11, 12]);

      const rebuilt = await rebuildProjection(log, names, { snapshotEvery: 0 });
      assert.deepEqual(rebuilt, { state: full.state, seq: 12, replayed: 4, fromSnapshot: true });
      assert.deepEqual(await log.pruneBefore(5, { reason: 'again' }), marker, 'a point at or below the marker removes nothing');

      // Appends continue the chain after a prune.
      await log.append('widget/late', 'no-stream', [created('late')]);
      assert.equal((await rebuildProjection(log, names, { snapshotEvery: 0 })).state['widget/late'], 'late');
    });

    it('replaying from a removed seq, or rebuilding without a usable snapshot, throws PrunedHistoryError', async () => {
      const log = await ctx.fresh();
      await fill(log, 6);
      await log.outboxAck(6);
      await log.saveSnapshot({ name: names.name, projectionVersion: names.version, seq: 4, state: {} });
      await log.pruneBefore(5, { reason: 'test' });
      const isPruned = (e: unknown) => e instanceof PrunedHistoryError && e.fromSeq === 1 && e.throughSeq === 4;
      await assert.rejects(drain(log.replay(1)), isPruned);
      await assert.rejects(drain(log.iterate(1)), isPruned);
      await assert.rejects(rebuildProjection(log, names, { ignoreSnapshot: true }), isPruned);
      await assert.rejects(rebuildProjection(log, { ...names, version: 2 }), isPruned, 'a snapshot of another projection version is no use');
      await assert.rejects(rebuildProjection(log, names, { untilSeq: 3 }), isPruned, 'a point before the snapshot cannot be rebuilt any more');
      assert.deepEqual((await drain(log.replay(5))).flat().map((e) => e.seq), [5, 6]);
    });

    it('refuses without a snapshot, with a snapshot behind the point, with unpublished events, or past the end', async () => {
      const log = await ctx.fresh();
      await fill(log, 6);
      const refused = (reason: RegExp) => (e: unknown) => e instanceof RetentionError && e.beforeSeq === 4 && reason.test(e.reason);

      await log.outboxAck(6);
      await assert.rejects(log.pruneBefore(4, { reason: 'test' }), refused(/no snapshot/));
      await log.saveSnapshot({ name: 'other', projectionVersion: 1, seq: 2, state: {} });
      await log.saveSnapshot({ name: names.name, projectionVersion: 1, seq: 5, state: {} });
      await assert.rejects(log.pruneBefore(4, { reason: 'test' }), refused(/other \(at seq 2\)/));
      await log.saveSnapshot({ name: 'other', projectionVersion: 1, seq: 3, state: {} });
      await assert.rejects(log.pruneBefore(8, { reason: 'test' }), (e: unknown) => e instanceof RetentionError && /ends at seq 6/.test(e.reason));
      assert.equal((await log.readAll(1)).length, 6, 'nothing removed by a refused prune');
      await assert.rejects(log.pruneBefore(1, { reason: 'test' }), TypeError);
      await assert.rejects(log.pruneBefore(4, { reason: ' ' }), TypeError);
      assert.equal(await log.retention(), undefined);

      const unpublished = await ctx.fresh();
      await fill(unpublished, 6);
      await unpublished.outboxAck(2);
      await unpublished.saveSnapshot({ name: names.name, projectionVersion: 1, seq: 6, state: {} });
      await assert.rejects(unpublished.pruneBefore(4, { reason: 'test' }), refused(/not published/));
      assert.equal((await unpublished.pruneBefore(3, { reason: 'test' })).throughSeq, 2);
    });
  });
}

/** `n` events over two streams. */
async function fill(log: EventLog, n: number): Promise<void> {
  await log.append('widget/a', 'no-stream', [created('a')]);
  await log.append('widget/b', 'no-stream', [created('b')]);
  for (let i = 2; i < n; i++) await log.append(i % 2 ? 'widget/b' : 'widget/a', 'any', [renamed(`n${i}`)]);
}

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
