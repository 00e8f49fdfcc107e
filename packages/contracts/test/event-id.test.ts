import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventIdGenerator, eventIdTime, isEventId } from '@netledger/contracts';

describe('event ids', () => {
  it('sort in creation order even within one millisecond and when the clock steps back', () => {
    let now = 1_700_000_000_000;
    const gen = new EventIdGenerator(() => now);
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i === 500) now -= 10; // clock steps back
      if (i === 700) now += 50;
      ids.push(gen.next());
    }
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.every(isEventId));
  });

  it('carry their creation time', () => {
    const gen = new EventIdGenerator(() => 1_764_000_000_123);
    assert.equal(eventIdTime(gen.next()), 1_764_000_000_123);
  });
});
