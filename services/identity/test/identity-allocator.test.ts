import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextFreeIdentity } from '../src/identity-allocator.js';

const range = { first: 256, last: 260 };

describe('nextFreeIdentity', () => {
  it('starts at the first number and then continues after the last allocated one', () => {
    assert.equal(nextFreeIdentity(range, undefined, () => false), 256);
    assert.equal(nextFreeIdentity(range, 257, () => false), 258);
  });

  it('does not go back to a just-released number while later ones are free', () => {
    // 256 was released, 257 is the last allocation: 258 comes next, not 256.
    const inUse = new Set([257]);
    assert.equal(nextFreeIdentity(range, 257, (id) => inUse.has(id)), 258);
  });

  it('wraps around and skips numbers in use', () => {
    const inUse = new Set([256, 257, 260]);
    assert.equal(nextFreeIdentity(range, 259, (id) => inUse.has(id)), 258);
  });

  it('returns undefined when every number is in use', () => {
    assert.equal(nextFreeIdentity(range, 258, () => true), undefined);
  });

  it('starts over at the first number when the cursor lies outside a changed range', () => {
    assert.equal(nextFreeIdentity(range, 9000, () => false), 256);
  });
});
