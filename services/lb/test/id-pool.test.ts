import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdAllocator, type IdPool, type IdRange } from '@netledger/lb-service';

const range: IdRange = { name: 'test id', min: 1, max: 5 };

describe('IdAllocator', () => {
  it('starts at the cursor and skips ids in use and ids it already handed out', () => {
    const pool: IdPool = { next: 2, inUse: new Map([[3, 'x']]) };
    const ids = new IdAllocator(range, pool);
    assert.deepEqual([ids.allocate(), ids.allocate(), ids.allocate()], [2, 4, 5]);
    assert.equal(pool.next, 2, 'the pool itself moves only when the events are applied');
  });

  it('wraps around past the end of the range', () => {
    const pool: IdPool = { next: 5, inUse: new Map([[1, 'x']]) };
    const ids = new IdAllocator(range, pool);
    assert.deepEqual([ids.allocate(), ids.allocate()], [5, 2]);
  });

  it('answers undefined when the range is full', () => {
    const pool: IdPool = { next: 1, inUse: new Map([1, 2, 3, 4].map((i) => [i, 'x'])) };
    const ids = new IdAllocator(range, pool);
    assert.equal(ids.allocate(), 5);
    assert.equal(ids.allocate(), undefined);
  });
});
