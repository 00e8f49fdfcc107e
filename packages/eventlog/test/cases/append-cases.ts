import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventValidationError, UnknownEventTypeError, isEventId, newEventId } from '@netledger/contracts';
import { ConcurrencyError, IdempotencyError, type AppendResult, type EventLog, type ExpectedVersion } from '@netledger/eventlog';
import type { SuiteContext } from '../event-log-suite.js';
import { ManualClock } from '../manual-clock.js';
import { TEST_CAUSE, created, renamed } from '../widget-events.js';

/** Round-trip, optimistic concurrency, idempotency, atomicity and validation of appends. */
export function appendCases(ctx: SuiteContext): void {
  describe('append', () => {
    it('round-trips every envelope field, with versions per stream and gap-free seqs across streams', async () => {
      const clock = new ManualClock('2026-03-01T08:00:00.000Z');
      const log = await ctx.fresh({ clock: clock.now });
      const [idA1, idA2] = [newEventId(), newEventId()];

      const r1 = await log.append('widget/a', 'no-stream', [created('a', 3, idA1), renamed('a2', idA2)]);
      assert.deepEqual(position(r1), { stream: 'widget/a', version: 2, firstSeq: 1, lastSeq: 2, duplicate: false });
      clock.set('2026-03-01T08:00:01.250Z');
      const r2 = await log.append('widget/b', 0, [created('b')]);
      assert.deepEqual(position(r2), { stream: 'widget/b', version: 1, firstSeq: 3, lastSeq: 3, duplicate: false });
      const r3 = await log.append('widget/a', 2, [renamed('a3')]);
      assert.deepEqual(position(r3), { stream: 'widget/a', version: 3, firstSeq: 4, lastSeq: 4, duplicate: false });

      const a = await log.readStreamForward('widget/a');
      assert.equal(a.length, 3);
      // The result carries the stored events, so writers need not read them back.
      assert.deepEqual([...r1.events, ...r3.events], a);
      assert.deepEqual(a[0], {
        id: idA1,
        service: 'policy',
        stream: 'widget/a',
        version: 1,
        seq: 1,
        type: 'WidgetCreated',
        schemaVersion: 1,
        time: '2026-03-01T08:00:00.000Z',
        cause: TEST_CAUSE,
        data: { name: 'a', size: 3 },
      });
      assert.deepEqual(a[1], {
        id: idA2,
        service: 'policy',
        stream: 'widget/a',
        version: 2,
        seq: 2,
        type: 'WidgetRenamed',
        schemaVersion: 1,
        time: '2026-03-01T08:00:00.000Z',
        cause: { kind: 'kubernetes', objectKind: 'Widget', namespace: 'default', name: 'a2', uid: 'uid-1', resourceVersion: '42' },
        data: { name: 'a2' },
      });
      const generated = a[2]!;
      assert.ok(isEventId(generated.id), `generated id ${generated.id} is a ULID`);
      assert.deepEqual({ ...generated, id: 'x' }, {
        id: 'x',
        service: 'policy',
        stream: 'widget/a',
        version: 3,
        seq: 4,
        type: 'WidgetRenamed',
        schemaVersion: 1,
        time: '2026-03-01T08:00:01.250Z',
        cause: renamed('a3').cause,
        data: { name: 'a3' },
      });

      const all = await log.readAll(1);
      assert.deepEqual(all.map((e) => [e.seq, e.stream, e.version]), [
        [1, 'widget/a', 1],
        [2, 'widget/a', 2],
        [3, 'widget/b', 1],
        [4, 'widget/a', 3],
      ]);
      assert.equal(new Set(all.map((e) => e.id)).size, 4);
      assert.equal(await log.streamVersion('widget/a'), 3);
      assert.equal(await log.streamVersion('widget/b'), 1);
      assert.equal(await log.streamVersion('widget/none'), 0);
      const head = await log.head();
      assert.equal(head.lastSeq, 4);
      assert.equal(head.lastTime, '2026-03-01T08:00:01.250Z');
      assert.equal(head.outboxBacklog, 4);
      assert.match(head.lastHash, /^[0-9a-f]{64}$/);
    });

    it('rejects a wrong expected version with ConcurrencyError naming stream, expected and actual', async () => {
      const log = await ctx.fresh();
      await log.append('widget/c', 'no-stream', [created('c'), renamed('c2')]);
      const before = await log.head();

      const cases: ReadonlyArray<[string, ExpectedVersion, number]> = [
        ['widget/c', 1, 2],
        ['widget/c', 3, 2],
        ['widget/c', 0, 2],
        ['widget/c', 'no-stream', 2],
        ['widget/missing', 1, 0],
      ];
      for (const [stream, expected, actual] of cases) {
        await assert.rejects(log.append(stream, expected, [renamed('x')]), (e: unknown) => {
          assert.ok(e instanceof ConcurrencyError, `expected ConcurrencyError, got ${String(e)}`);
          assert.equal(e.code, 'WRONG_EXPECTED_VERSION');
          assert.equal(e.stream, stream);
          assert.equal(e.expected, expected);
          assert.equal(e.actual, actual);
          assert.equal(e.message, `stream ${stream}: expected version ${String(expected)}, actual version ${actual}`);
          return true;
        });
      }
      assert.deepEqual(await log.head(), before, 'a rejected append writes nothing');
      assert.equal(await log.streamVersion('widget/missing'), 0);
    });

    it("accepts 'no-stream' and 0 only for a new stream, and 'any' always", async () => {
      const log = await ctx.fresh();
      assert.equal((await log.append('widget/n', 'no-stream', [created('n')])).version, 1);
      assert.equal((await log.append('widget/z', 0, [created('z')])).version, 1);
      assert.equal((await log.append('widget/n', 'any', [renamed('n2')])).version, 2);
      assert.equal((await log.append('widget/any', 'any', [created('new')])).version, 1);
      assert.equal((await log.append('widget/n', 2, [renamed('n3')])).version, 3);
      assert.equal((await log.head()).lastSeq, 5);
    });

    it('treats a retry with the same event ids as a duplicate and writes nothing', async () => {
      const log = await ctx.fresh();
      const events = [created('d', 1, newEventId()), renamed('d2', newEventId())];
      await log.append('widget/other', 'no-stream', [created('o')]);
      const first = await log.append('widget/d', 'no-stream', events);
      assert.deepEqual(position(first), { stream: 'widget/d', version: 2, firstSeq: 2, lastSeq: 3, duplicate: false });
      const head = await log.head();
      const outbox = await log.outboxPeek(100);

      // The same request again (the writer did not see the first reply), and with 'any'.
      assert.deepEqual(await log.append('widget/d', 'no-stream', events), { ...first, duplicate: true });
      assert.deepEqual(await log.append('widget/d', 'any', events), { ...first, duplicate: true });
      assert.deepEqual(await log.head(), head);
      assert.deepEqual(await log.outboxPeek(100), outbox);
      assert.equal((await log.readStreamForward('widget/d')).length, 2);
    });

    it('rejects a partial overlap of event ids with IdempotencyError', async () => {
      const log = await ctx.fresh();
      const stored = created('p', 1, newEventId());
      await log.append('widget/p', 'no-stream', [stored]);
      const head = await log.head();
      const fresh = renamed('p2', newEventId());

      await assert.rejects(log.append('widget/p', 1, [stored, fresh]), (e: unknown) => {
        assert.ok(e instanceof IdempotencyError, `expected IdempotencyError, got ${String(e)}`);
        assert.equal(e.code, 'IDEMPOTENCY_CONFLICT');
        assert.equal(e.stream, 'widget/p');
        assert.equal(e.eventId, fresh.id);
        assert.match(e.message, new RegExp(`^stream widget/p: event ${fresh.id} `));
        return true;
      });
      await assert.rejects(log.append('widget/q', 'no-stream', [stored]), (e: unknown) => {
        assert.ok(e instanceof IdempotencyError);
        assert.equal(e.stream, 'widget/q');
        assert.equal(e.eventId, stored.id);
        assert.match(e.message, /already stored in stream widget\/p/);
        return true;
      });
      await assert.rejects(log.append('widget/r', 'no-stream', [fresh, fresh]), (e: unknown) => {
        assert.ok(e instanceof IdempotencyError);
        assert.equal(e.eventId, fresh.id);
        return true;
      });
      assert.deepEqual(await log.head(), head);
    });

    it('appendMany commits all requests or none', async () => {
      const log = await ctx.fresh();
      await log.append('widget/existing', 'no-stream', [created('e')]);
      const head = await log.head();

      await assert.rejects(
        log.appendMany([
          { stream: 'widget/m1', expectedVersion: 'no-stream', events: [created('m1'), renamed('m1b')] },
          { stream: 'widget/existing', expectedVersion: 0, events: [renamed('e2')] },
          { stream: 'widget/m2', expectedVersion: 'no-stream', events: [created('m2')] },
        ]),
        (e: unknown) => e instanceof ConcurrencyError && e.stream === 'widget/existing' && e.expected === 0 && e.actual === 1,
      );
      await assert.rejects(
        log.appendMany([
          { stream: 'widget/m1', expectedVersion: 'no-stream', events: [created('m1')] },
          { stream: 'widget/m2', expectedVersion: 'no-stream', events: [{ ...created('m2'), data: { name: '' } }] },
        ]),
        EventValidationError,
      );
      assert.deepEqual(await log.head(), head);
      assert.equal(await log.streamVersion('widget/m1'), 0);
      assert.equal(await log.streamVersion('widget/m2'), 0);
      assert.equal((await log.readAll(1)).length, 1);
      assert.equal((await log.outboxPeek(100)).length, 1);

      const results = await log.appendMany([
        { stream: 'widget/m1', expectedVersion: 'no-stream', events: [created('m1'), renamed('m1b')] },
        { stream: 'widget/existing', expectedVersion: 1, events: [renamed('e2')] },
      ]);
      assert.deepEqual(results.map(position), [
        { stream: 'widget/m1', version: 2, firstSeq: 2, lastSeq: 3, duplicate: false },
        { stream: 'widget/existing', version: 2, firstSeq: 4, lastSeq: 4, duplicate: false },
      ]);
      assert.equal((await log.head()).outboxBacklog, 4);
    });

    it('validates data on write: EventValidationError names the field path, unknown types are refused', async () => {
      const log = await ctx.fresh();
      await assert.rejects(log.append('widget/v', 'no-stream', [{ type: 'WidgetCreated', data: { name: 'v', size: 'big' }, cause: TEST_CAUSE }]), (e: unknown) => {
        assert.ok(e instanceof EventValidationError, `expected EventValidationError, got ${String(e)}`);
        assert.equal(e.eventType, 'WidgetCreated');
        assert.equal(e.schemaVersion, 1);
        assert.equal(e.problems[0]?.path, '/size');
        assert.match(e.message, /widget\/v/);
        assert.match(e.message, /WidgetCreated v1 is invalid at \/size: /);
        return true;
      });
      await assert.rejects(log.append('widget/v', 'no-stream', [created('ok'), { ...renamed('x'), data: { name: 'x', extra: true } }]), (e: unknown) => {
        assert.ok(e instanceof EventValidationError);
        assert.equal(e.eventType, 'WidgetRenamed');
        assert.equal(e.problems[0]?.path, '/extra');
        return true;
      });
      await assert.rejects(log.append('widget/v', 'no-stream', [{ type: 'WidgetExploded', data: {}, cause: TEST_CAUSE }]), (e: unknown) => {
        assert.ok(e instanceof UnknownEventTypeError, `expected UnknownEventTypeError, got ${String(e)}`);
        assert.equal(e.eventType, 'WidgetExploded');
        assert.equal(e.service, 'policy');
        assert.equal(e.message, 'event type WidgetExploded is not registered for service policy');
        return true;
      });
      await assertEmpty(log);
    });

    it('commits concurrent appends together, each caller with its own outcome', async () => {
      const log = await ctx.fresh();
      await log.append('widget/taken', 'no-stream', [created('t')]);
      // Fired without waiting, as a busy service would: they queue behind one another and
      // are written in groups; the conflicting one fails alone.
      const calls = Array.from({ length: 40 }, (_, i) =>
        i === 17 ? log.append('widget/taken', 'no-stream', [created('dup')]) : log.append(`widget/g${i}`, 'no-stream', [created(`g${i}`)]),
      );
      calls.push(log.append('widget/g0', 1, [renamed('g0b')]));
      const outcomes = await Promise.allSettled(calls);
      const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [{ i, e: o.reason as unknown }] : []));
      assert.equal(failed.length, 1);
      assert.equal(failed[0]!.i, 17);
      assert.ok(failed[0]!.e instanceof ConcurrencyError);
      const seqs = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.firstSeq] : [])).sort((a, b) => a - b);
      assert.deepEqual(seqs, Array.from({ length: 40 }, (_, i) => i + 2));
      assert.equal(await log.streamVersion('widget/g0'), 2);
      const head = await log.head();
      assert.equal(head.lastSeq, 41);
      assert.equal((await log.readAll(1)).length, 41);
    });

    it('groups the appends that arrive while a commit is written into the next commit', async () => {
      // The log reads the clock once per commit and a commit's events share its time, so a
      // clock that moves on at every read tells the commits apart.
      let reads = 0;
      const log = await ctx.fresh({ clock: () => new Date(Date.UTC(2026, 2, 1, 8, 0, 0, ++reads)) });
      // The first append starts a commit at once; the others arrive while it is written.
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => log.append(`widget/gc${i}`, 'no-stream', [created(`gc${i}`)])));
      const times = results.map((r) => r.events[0]!.time);
      assert.equal(new Set(times).size, 2, `30 appends in ${new Set(times).size} commits`);
      assert.ok(times.slice(1).every((t) => t === times[1] && t > times[0]!), 'all but the first append share the second commit');
      assert.deepEqual(results.map((r) => r.firstSeq), Array.from({ length: 30 }, (_, i) => i + 1));
      assert.deepEqual((await log.readAll(1)).map((e) => e.time), times);
    });
  });
}

async function assertEmpty(log: EventLog): Promise<void> {
  const head = await log.head();
  assert.equal(head.lastSeq, 0);
  assert.equal(head.outboxBacklog, 0);
  assert.deepEqual(await log.readAll(1), []);
}

/** An append result without its events: where the append left the stream. */
function position(r: AppendResult): Omit<AppendResult, 'events'> {
  const { events: _events, ...rest } = r;
  return rest;
}
