import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SequenceTracker } from '../src/internal/sequence-tracker.js';

describe('SequenceTracker', () => {
  it('takes the next seq, drops what was handled before', () => {
    const t = new SequenceTracker(4, true);
    assert.deepEqual(t.place(5, 5), { kind: 'next' });
    assert.deepEqual(t.place(5, 5), { kind: 'duplicate' });
    assert.deepEqual(t.place(3, 3), { kind: 'duplicate' });
    assert.equal(t.cursor, 5);
    assert.equal(t.resumeAt, 6);
  });

  it('on a gap asks for redelivery from the first missing seq, then steps over if it stays', () => {
    const t = new SequenceTracker(2, true);
    assert.deepEqual(t.place(5, 5), { kind: 'redeliver', fromStreamSeq: 3 });
    assert.equal(t.resumeAt, 3);
    // Redelivery filled it.
    assert.deepEqual(t.place(3, 3), { kind: 'next' });
    assert.deepEqual(t.place(4, 4), { kind: 'next' });
    assert.deepEqual(t.place(5, 5), { kind: 'next' });
    // A hole the stream really has: the second time the same jump is accepted and reported.
    assert.deepEqual(t.place(9, 9), { kind: 'redeliver', fromStreamSeq: 6 });
    assert.deepEqual(t.place(9, 9), { kind: 'missing', fromSeq: 6, toSeq: 8 });
    assert.equal(t.cursor, 9);
  });

  it('with a server-side filter, jumps are expected', () => {
    const t = new SequenceTracker(0, false);
    assert.deepEqual(t.place(5, 5), { kind: 'next' });
    assert.deepEqual(t.place(10, 10), { kind: 'next' });
    assert.deepEqual(t.place(10, 10), { kind: 'duplicate' });
    assert.equal(t.resumeAt, 11);
  });

  it('a malformed message where the next event belongs moves the cursor; reported once', () => {
    const t = new SequenceTracker(2, true);
    assert.equal(t.skipMalformed(3), true);
    assert.equal(t.skipMalformed(3), false);
    assert.deepEqual(t.place(4, 4), { kind: 'next' });
  });

  it('an unknown start (a time) is set by the server, or else by the first message', () => {
    const byServer = new SequenceTracker(undefined, true);
    assert.equal(byServer.resumeAt, undefined);
    byServer.startsAfter(6);
    assert.deepEqual(byServer.place(7, 7), { kind: 'next' });
    const byMessage = new SequenceTracker(undefined, true);
    assert.deepEqual(byMessage.place(12, 12), { kind: 'next' });
    assert.equal(byMessage.cursor, 12);
  });
});
