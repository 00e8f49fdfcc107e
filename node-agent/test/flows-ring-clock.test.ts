import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlowClock, readClocks } from '../src/flows/flow-clock.js';
import { FLOW_RING_CAPACITY, FlowRing } from '../src/flows/flow-ring.js';
import { FakeClocks } from './support/flow-records.js';

describe('FlowRing', () => {
  it('keeps the last 4,095 by default, oldest first', () => {
    const ring = new FlowRing<number>();
    assert.equal(ring.capacity, FLOW_RING_CAPACITY);
    for (let i = 1; i <= 5000; i++) ring.push(i);
    assert.equal(ring.size, 4095);
    assert.deepEqual(ring.last(3), [4998, 4999, 5000]);
    const all = ring.last(10_000);
    assert.equal(all.length, 4095);
    assert.equal(all[0], 906);
  });

  it('returns the newest matches, oldest first, and fewer when there are fewer', () => {
    const ring = new FlowRing<number>(5);
    for (let i = 1; i <= 7; i++) ring.push(i);
    assert.deepEqual(ring.last(2, (n) => n % 2 === 1), [5, 7]);
    assert.deepEqual(ring.last(10, (n) => n % 2 === 1), [3, 5, 7]);
    assert.deepEqual(ring.last(0), []);
    ring.clear();
    assert.deepEqual(ring.last(10), []);
    assert.throws(() => new FlowRing(0), RangeError);
  });
});

describe('FlowClock', () => {
  it('turns monotonic ns into wall time with the offset of its last measure', () => {
    const clocks = new FakeClocks(Date.parse('2026-11-29T17:00:00.000Z'));
    const clock = clocks.clock();
    assert.equal(clock.isoTime(3_600_123_000_000n), '2026-11-29T18:00:00.123Z');
    assert.equal(clock.wallMs(0n), Date.parse('2026-11-29T17:00:00.000Z'));
  });

  it('measures again every 10 s, so a stepped wall clock is followed', () => {
    const clocks = new FakeClocks(Date.parse('2026-11-29T17:00:00.000Z'));
    const clock = clocks.clock();
    clocks.wallMs += 2000; // NTP stepped the wall clock 2 s forward
    clock.refresh();
    assert.equal(clock.isoTime(0n), '2026-11-29T17:00:00.000Z', 'not measured again before 10 s');
    clocks.advance(10_000);
    clock.refresh();
    assert.equal(clock.isoTime(0n), '2026-11-29T17:00:02.000Z');
    clocks.wallMs -= 5000; // stepped back: measured at once
    clock.refresh();
    assert.equal(clock.isoTime(0n), '2026-11-29T16:59:57.000Z');
  });

  it('reads the monotonic clock the datapath stamps with (hrtime) against the wall clock', () => {
    const r = readClocks();
    const clock = new FlowClock();
    const drift = Math.abs(clock.wallMs(r.monotonicNs) - r.wallMs);
    assert.ok(drift < 50, `one reading converts back to its own wall time (off by ${drift} ms)`);
  });
});
