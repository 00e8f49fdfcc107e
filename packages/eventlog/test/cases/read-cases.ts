import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventEnvelope } from '@netledger/contracts';
import type { SuiteContext } from '../event-log-suite.js';
import { ManualClock } from '../manual-clock.js';
import { created, renamed } from '../widget-events.js';

/** Stream reads, whole-log reads, reads up to a time, and paged iteration. */
export function readCases(ctx: SuiteContext): void {
  describe('read', () => {
    it('reads a stream forward and backward from a version, with a limit', async () => {
      const log = await ctx.fresh();
      // Two streams interleaved, so stream versions and log seqs differ.
      await log.append('widget/w', 'no-stream', [created('w'), renamed('w2')]);
      await log.append('widget/x', 'no-stream', [created('x')]);
      await log.append('widget/w', 2, [renamed('w3'), renamed('w4')]);
      await log.append('widget/x', 1, [renamed('x2')]);
      await log.append('widget/w', 4, [renamed('w5')]);

      assert.deepEqual(positions(await log.readStreamForward('widget/w')), [[1, 1], [2, 2], [3, 4], [4, 5], [5, 7]]);
      assert.deepEqual(positions(await log.readStreamForward('widget/w', 3)), [[3, 4], [4, 5], [5, 7]]);
      assert.deepEqual(positions(await log.readStreamForward('widget/w', 2, { limit: 2 })), [[2, 2], [3, 4]]);
      assert.deepEqual(await log.readStreamForward('widget/w', 6), []);
      assert.deepEqual(await log.readStreamForward('widget/none'), []);

      assert.deepEqual(positions(await log.readStreamBackward('widget/w')), [[5, 7], [4, 5], [3, 4], [2, 2], [1, 1]]);
      assert.deepEqual(positions(await log.readStreamBackward('widget/w', 3)), [[3, 4], [2, 2], [1, 1]]);
      assert.deepEqual(positions(await log.readStreamBackward('widget/w', 4, { limit: 2 })), [[4, 5], [3, 4]]);
      assert.deepEqual(positions(await log.readStreamBackward('widget/w', undefined, { limit: 1 })), [[5, 7]]);
      assert.deepEqual(await log.readStreamBackward('widget/none'), []);
      assert.deepEqual(
        (await log.readStreamForward('widget/x')).map((e) => e.data),
        [{ name: 'x', size: 1 }, { name: 'x2' }],
      );
    });

    it('reads the whole log from a seq, with a limit', async () => {
      const log = await ctx.fresh();
      await log.append('widget/a', 'no-stream', [created('a'), renamed('a2'), renamed('a3')]);
      await log.append('widget/b', 'no-stream', [created('b'), renamed('b2')]);

      assert.deepEqual(seqs(await log.readAll(1)), [1, 2, 3, 4, 5]);
      assert.deepEqual(seqs(await log.readAll(4)), [4, 5]);
      assert.deepEqual(seqs(await log.readAll(2, { limit: 3 })), [2, 3, 4]);
      assert.deepEqual(await log.readAll(6), []);
      assert.deepEqual((await log.readAll(3, { limit: 2 })).map((e) => [e.stream, e.version]), [
        ['widget/a', 3],
        ['widget/b', 1],
      ]);
    });

    it('reads up to a time, inclusive, from a seq, with a limit', async () => {
      const clock = new ManualClock('2026-01-01T10:00:00.000Z');
      const log = await ctx.fresh({ clock: clock.now });
      await log.append('widget/t', 'no-stream', [created('t')]);
      clock.set('2026-01-01T10:01:00.000Z');
      await log.append('widget/t', 1, [renamed('t2')]);
      clock.set('2026-01-01T10:02:00.000Z');
      await log.append('widget/u', 'no-stream', [created('u'), renamed('u2')]);

      const at = (iso: string) => new Date(iso);
      assert.deepEqual(await log.readUntil(at('2026-01-01T09:59:59.999Z')), []);
      assert.deepEqual(seqs(await log.readUntil(at('2026-01-01T10:00:00.000Z'))), [1]);
      assert.deepEqual(seqs(await log.readUntil(at('2026-01-01T10:00:30.000Z'))), [1]);
      assert.deepEqual(seqs(await log.readUntil(at('2026-01-01T10:01:00.000Z'))), [1, 2]);
      assert.deepEqual(seqs(await log.readUntil(at('2026-01-01T12:00:00.000Z'))), [1, 2, 3, 4]);
      assert.equal(await log.lastSeqAt(at('2026-01-01T09:59:59.999Z')), 0);
      assert.equal(await log.lastSeqAt(at('2026-01-01T10:00:30.000Z')), 1);
      assert.equal(await log.lastSeqAt(at('2026-01-01T12:00:00.000Z')), 4);
      assert.deepEqual(seqs(await log.readUntil(at('2026-01-01T10:02:00.000Z'), 2)), [2, 3, 4]);
      assert.deepEqual(seqs(await log.readUntil(at('2026-01-01T10:02:00.000Z'), 2, { limit: 2 })), [2, 3]);
      assert.deepEqual(seqs(await log.readUntil(at('2026-01-01T10:01:59.000Z'), 3)), []);
    });

    it('never lets time go backwards along the log, even when the clock does', async () => {
      const clock = new ManualClock('2026-01-01T10:00:00.000Z');
      const log = await ctx.fresh({ clock: clock.now });
      await log.append('widget/c', 'no-stream', [created('c')]);
      clock.set('2026-01-01T09:00:00.000Z');
      await log.append('widget/c', 1, [renamed('c2')]);
      clock.set('2026-01-01T10:00:00.500Z');
      await log.append('widget/c', 2, [renamed('c3')]);

      assert.deepEqual(times(await log.readAll(1)), [
        '2026-01-01T10:00:00.000Z',
        '2026-01-01T10:00:00.000Z',
        '2026-01-01T10:00:00.500Z',
      ]);
      assert.equal((await log.head()).lastTime, '2026-01-01T10:00:00.500Z');
      assert.deepEqual(await log.readUntil(new Date('2026-01-01T09:30:00.000Z')), []);
      assert.deepEqual(seqs(await log.readUntil(new Date('2026-01-01T10:00:00.000Z'))), [1, 2]);
    });

    it('iterates the whole log in pages, from a seq and up to a time', async () => {
      const clock = new ManualClock('2026-01-01T10:00:00.000Z');
      const log = await ctx.fresh({ clock: clock.now });
      await log.append('widget/i', 'no-stream', [created('i'), renamed('i2'), renamed('i3'), renamed('i4')]);
      clock.set('2026-01-01T11:00:00.000Z');
      await log.append('widget/j', 'no-stream', [created('j'), renamed('j2'), renamed('j3')]);

      assert.deepEqual(seqs(await collect(log.iterate(1, { pageSize: 3 }))), [1, 2, 3, 4, 5, 6, 7]);
      assert.deepEqual(seqs(await collect(log.iterate(2, { pageSize: 3 }))), [2, 3, 4, 5, 6, 7], 'last page exactly full');
      assert.deepEqual(seqs(await collect(log.iterate(5, { pageSize: 1 }))), [5, 6, 7]);
      assert.deepEqual(seqs(await collect(log.iterate())), [1, 2, 3, 4, 5, 6, 7]);
      assert.deepEqual(seqs(await collect(log.iterate(8, { pageSize: 3 }))), []);
      const until = new Date('2026-01-01T10:30:00.000Z');
      assert.deepEqual(seqs(await collect(log.iterate(1, { pageSize: 2, until }))), [1, 2, 3, 4]);
      assert.deepEqual(seqs(await collect(log.iterate(3, { pageSize: 2, until }))), [3, 4]);
    });
  });
}

/** [stream version, log seq] of each event. */
function positions(events: readonly EventEnvelope[]): Array<[number, number]> {
  return events.map((e) => [e.version, e.seq]);
}

function seqs(events: readonly EventEnvelope[]): number[] {
  return events.map((e) => e.seq);
}

function times(events: readonly EventEnvelope[]): string[] {
  return events.map((e) => e.time);
}

async function collect(events: AsyncIterable<EventEnvelope>): Promise<EventEnvelope[]> {
  const out: EventEnvelope[] = [];
  for await (const e of events) out.push(e);
  return out;
}
