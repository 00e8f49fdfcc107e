import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryCursor } from '../src/internal/delivery-cursor.js';

describe('DeliveryCursor', () => {
  it('places events against the cursor: next, duplicate, gap', () => {
    const c = new DeliveryCursor(4);
    assert.equal(c.resumeAt, 5);
    assert.equal(c.place(5, 5), 'next');
    c.applied(5, 5);
    assert.equal(c.place(6, 3), 'duplicate');
    assert.equal(c.place(7, 5), 'duplicate');
    assert.equal(c.place(8, 8), 'gap');
    assert.equal(c.cursor, 5);
    assert.equal(c.handledUpTo, 7, 'duplicates count as handled stream messages');
  });

  it('steps over a malformed message only where the next event belongs', () => {
    const c = new DeliveryCursor(2);
    c.skipMalformed(3);
    assert.equal(c.cursor, 3);
    c.skipMalformed(9);
    assert.equal(c.cursor, 3, 'a malformed message further on says nothing about the events before it');
    assert.equal(c.resumeAt, 10);
  });

  it('redelivers from cursor + 1 on a new gap, and steps over the same gap seen again', () => {
    const c = new DeliveryCursor(3);
    c.applied(4, 4);
    assert.equal(c.place(5, 7), 'gap');
    assert.deepEqual(c.planGap(5, 1), { plan: { kind: 'redeliver', fromStreamSeq: 5 }, newGap: true });
    c.redeliverFrom(5);
    assert.equal(c.resumeAt, 5);
    assert.equal(c.place(5, 7), 'gap');
    assert.deepEqual(c.planGap(5, 1), { plan: { kind: 'step-over' }, newGap: false });
    c.applied(5, 7);
    assert.equal(c.cursor, 7);
    // A later, different gap is new again.
    assert.equal(c.place(6, 9), 'gap');
    assert.deepEqual(c.planGap(6, 1), { plan: { kind: 'redeliver', fromStreamSeq: 8 }, newGap: true });
  });

  it('rebuilds from the stream start when the missing events were purged, taking the first event as is', () => {
    const c = new DeliveryCursor(0);
    assert.equal(c.place(6, 6), 'gap');
    assert.deepEqual(c.planGap(6, 6), { plan: { kind: 'rebuild', fromStreamSeq: 6 }, newGap: true });
    c.rebuilt(6);
    assert.equal(c.cursor, 0);
    assert.equal(c.resumeAt, 6);
    assert.equal(c.place(6, 6), 'next');
    c.applied(6, 6);
    assert.equal(c.place(7, 7), 'next');
  });

  it('after a rebuild, a first event whose seq does not match its stream position is still taken', () => {
    const c = new DeliveryCursor(10);
    c.rebuilt(20);
    c.skipMalformed(20); // unreadable first message: still bootstrapping
    assert.equal(c.cursor, 0);
    assert.equal(c.place(21, 35), 'next');
    c.applied(21, 35);
    assert.equal(c.cursor, 35);
  });
});
