import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SharedValues } from '../src/desired/shared-values.js';

describe('SharedValues', () => {
  it('hands every holder of a signature the same instance, made once', () => {
    const shared = new SharedValues<string[]>();
    let made = 0;
    const make = (): string[] => {
      made++;
      return ['http'];
    };
    const a = shared.acquire('http', make);
    const b = shared.acquire('http', make);
    assert.equal(a, b);
    assert.equal(made, 1);
    assert.equal(shared.size, 1);
  });

  it('drops an instance with its last holder, and makes a new one after', () => {
    const shared = new SharedValues<object>();
    const first = shared.acquire('k', () => ({}));
    shared.acquire('k', () => ({}));
    shared.release('k');
    assert.equal(shared.size, 1, 'one holder left');
    shared.release('k');
    assert.equal(shared.size, 0);
    shared.release('k'); // releasing what nobody holds changes nothing
    assert.notEqual(shared.acquire('k', () => ({})), first);
  });
});
