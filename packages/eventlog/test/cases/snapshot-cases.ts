import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventEnvelope } from '@netledger/contracts';
import { rebuildProjection, type EventLog, type Projection } from '@netledger/eventlog';
import type { SuiteContext } from '../event-log-suite.js';
import { ManualClock } from '../manual-clock.js';
import { created, renamed } from '../widget-events.js';

interface WidgetNames {
  readonly events: number;
  readonly names: Readonly<Record<string, string>>;
}

/** Latest name of every widget, and how many events made it. */
const widgetNames: Projection<WidgetNames> = {
  name: 'widget-names',
  version: 1,
  initial: () => ({ events: 0, names: {} }),
  apply: (s, e) => ({ events: s.events + 1, names: { ...s.names, [e.stream]: (e.data as { name: string }).name } }),
};

/** A projection whose state does not survive JSON as is (a Map), so it converts for snapshots. */
const sizesByStream: Projection<Map<string, number>> = {
  name: 'widget-sizes',
  version: 1,
  initial: () => new Map(),
  apply: (s, e) => (e.type === 'WidgetCreated' ? new Map(s).set(e.stream, (e.data as { size: number }).size) : s),
  toSnapshot: (s) => [...s],
  fromSnapshot: (stored) => new Map(stored as Array<[string, number]>),
};

/** Projection snapshots: restart from them, ignore stale ones, and never use them to see the past wrongly. */
export function snapshotCases(ctx: SuiteContext): void {
  describe('snapshots', () => {
    it('a rebuild after reopening starts from the snapshot and ends in the same state as a full replay', async () => {
      const database = await ctx.newDatabase();
      const log = await ctx.open(database);
      await fill(log, 5, 5);

      const first = await rebuildProjection(log, widgetNames, { snapshotEvery: 10 });
      assert.deepEqual(first, { state: fold(await log.readAll(1)), seq: 25, replayed: 25, fromSnapshot: false });
      const snap = await log.loadSnapshot<WidgetNames>('widget-names');
      assert.ok(snap);
      assert.deepEqual({ ...snap, time: 'any' }, {
        name: 'widget-names',
        projectionVersion: 1,
        seq: 20,
        state: fold(await log.readAll(1, { limit: 20 })),
        time: 'any',
      });
      assert.ok(!Number.isNaN(Date.parse(snap.time)), `snapshot time ${snap.time} is a date`);
      await log.append('widget/late', 'no-stream', [created('late'), renamed('later'), renamed('latest')]);
      await log.close();

      const reopened = await ctx.open(database);
      const resumed = await rebuildProjection(reopened, widgetNames, { snapshotEvery: 10 });
      assert.equal(resumed.fromSnapshot, true);
      assert.equal(resumed.seq, 28);
      assert.equal(resumed.replayed, 8);
      const audit = await rebuildProjection(reopened, widgetNames, { ignoreSnapshot: true, snapshotEvery: 0 });
      assert.deepEqual(audit, { state: resumed.state, seq: 28, replayed: 28, fromSnapshot: false });
      assert.deepEqual(resumed.state, fold(await reopened.readAll(1)));
      assert.equal(resumed.state.names['widget/late'], 'latest');
    });

    it('restores state through toSnapshot/fromSnapshot', async () => {
      const database = await ctx.newDatabase();
      const log = await ctx.open(database);
      await fill(log, 4, 2);
      const first = await rebuildProjection(log, sizesByStream, { snapshotEvery: 6 });
      await log.close();
      const reopened = await ctx.open(database);
      const resumed = await rebuildProjection(reopened, sizesByStream, { snapshotEvery: 6 });
      assert.equal(resumed.fromSnapshot, true);
      assert.equal(resumed.replayed, 2);
      assert.ok(resumed.state instanceof Map);
      assert.deepEqual([...resumed.state], [...first.state]);
    });

    it('ignores a snapshot written by another projection version', async () => {
      const log = await ctx.fresh();
      await fill(log, 3, 4);
      await rebuildProjection(log, widgetNames, { snapshotEvery: 5 });
      assert.equal((await log.loadSnapshot('widget-names'))?.seq, 10);

      const bumped: Projection<WidgetNames> = { ...widgetNames, version: 2 };
      const rebuilt = await rebuildProjection(log, bumped, { snapshotEvery: 5 });
      assert.deepEqual(rebuilt, { state: fold(await log.readAll(1)), seq: 12, replayed: 12, fromSnapshot: false });
      const snap = await log.loadSnapshot('widget-names');
      assert.equal(snap?.projectionVersion, 2);
      assert.equal(snap?.seq, 10);
    });

    it('until / untilSeq give the state as of then and write no snapshot', async () => {
      const clock = new ManualClock('2026-01-01T10:00:00.000Z');
      const log = await ctx.fresh({ clock: clock.now });
      await fill(log, 2, 3, 'early');
      clock.set('2026-01-01T11:00:00.000Z');
      await fill(log, 2, 3, 'late');
      await rebuildProjection(log, widgetNames, { snapshotEvery: 5 });
      const saved = await log.loadSnapshot('widget-names');
      assert.equal(saved?.seq, 10);
      const all = await log.readAll(1);

      const bySeq = await rebuildProjection(log, widgetNames, { untilSeq: 7, snapshotEvery: 1 });
      assert.deepEqual(bySeq, { state: fold(all.slice(0, 7)), seq: 7, replayed: 7, fromSnapshot: false });
      const bySeqAfterSnapshot = await rebuildProjection(log, widgetNames, { untilSeq: 11, snapshotEvery: 1 });
      assert.deepEqual(bySeqAfterSnapshot, { state: fold(all.slice(0, 11)), seq: 11, replayed: 1, fromSnapshot: true });

      const byTime = await rebuildProjection(log, widgetNames, { until: new Date('2026-01-01T10:30:00.000Z'), snapshotEvery: 1 });
      assert.deepEqual(byTime, { state: fold(all.slice(0, 6)), seq: 6, replayed: 6, fromSnapshot: false });
      const byLaterTime = await rebuildProjection(log, widgetNames, { until: new Date('2026-01-01T11:30:00.000Z'), snapshotEvery: 1 });
      assert.deepEqual(byLaterTime, { state: fold(all), seq: 12, replayed: 2, fromSnapshot: true });

      assert.deepEqual(await log.loadSnapshot('widget-names'), saved, 'historical rebuilds leave the snapshot alone');
    });

    it('does not use a snapshot for a time before the events it covers, even if the clock stepped back', async () => {
      const clock = new ManualClock('2026-01-01T10:00:00.000Z');
      const log = await ctx.fresh({ clock: clock.now });
      await log.append('widget/a', 'no-stream', [created('a')]);
      clock.set('2026-01-01T10:05:00.000Z');
      await log.append('widget/a', 1, [renamed('a2')]);
      clock.set('2026-01-01T10:01:00.000Z');
      await rebuildProjection(log, widgetNames, { snapshotEvery: 1 });
      assert.equal((await log.loadSnapshot('widget-names'))?.seq, 2);

      const asOf = await rebuildProjection(log, widgetNames, { until: new Date('2026-01-01T10:02:00.000Z') });
      assert.deepEqual(asOf, { state: { events: 1, names: { 'widget/a': 'a' } }, seq: 1, replayed: 1, fromSnapshot: false });
    });
  });
}

/** `streams` streams of `perStream` events each (one created, then renames), one append per stream. */
async function fill(log: EventLog, streams: number, perStream: number, prefix = 's'): Promise<void> {
  for (let i = 0; i < streams; i++) {
    const stream = `widget/${prefix}${i}`;
    const events = [created(`${prefix}${i}`, i), ...Array.from({ length: perStream - 1 }, (_, k) => renamed(`${prefix}${i}-${k + 1}`))];
    await log.append(stream, 'no-stream', events);
  }
}

/** The projection's state computed directly from events, to compare rebuilds against. */
function fold(events: readonly EventEnvelope[]): WidgetNames {
  return events.reduce(widgetNames.apply, widgetNames.initial());
}
