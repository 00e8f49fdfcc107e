import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DesiredTable } from '../src/desired/desired-table.js';

interface Key {
  readonly ip: string;
}
interface Value {
  readonly identity: number;
  readonly flags: number;
}

const table = (): DesiredTable<Key, Value> => new DesiredTable<Key, Value>({ stringOf: (k) => k.ip, parse: (ip) => ({ ip }) });

describe('DesiredTable', () => {
  it('holds entries by the string form of their key', () => {
    const t = table();
    t.set({ ip: '10.0.0.1' }, { identity: 1, flags: 0 });
    t.set({ ip: '10.0.0.1' }, { identity: 2, flags: 0 });
    assert.equal(t.size, 1);
    assert.deepEqual(t.get({ ip: '10.0.0.1' }), { identity: 2, flags: 0 });
    assert.deepEqual([...t.entries()].map((e) => e.key.ip), ['10.0.0.1']);
    t.delete({ ip: '10.0.0.1' });
    assert.equal(t.size, 0);
    assert.equal(t.get({ ip: '10.0.0.1' }), undefined);
  });

  it('reports upserts and deletes since the last take, then starts over', () => {
    const t = table();
    t.set({ ip: 'a' }, { identity: 1, flags: 0 });
    t.set({ ip: 'b' }, { identity: 2, flags: 0 });
    assert.deepEqual(t.takeChanges(), {
      upserts: [
        { keyString: 'a', key: { ip: 'a' }, value: { identity: 1, flags: 0 }, previous: undefined },
        { keyString: 'b', key: { ip: 'b' }, value: { identity: 2, flags: 0 }, previous: undefined },
      ],
      deletes: [],
    });
    t.delete({ ip: 'a' });
    t.set({ ip: 'b' }, { identity: 3, flags: 0 });
    assert.deepEqual(t.takeChanges(), {
      upserts: [{ keyString: 'b', key: { ip: 'b' }, value: { identity: 3, flags: 0 }, previous: { identity: 2, flags: 0 } }],
      deletes: [{ keyString: 'a', key: { ip: 'a' }, previous: { identity: 1, flags: 0 } }],
    });
    assert.deepEqual(t.takeChanges(), { upserts: [], deletes: [] });
  });

  it('does not count a set to a structurally equal value as a change', () => {
    const t = table();
    t.set({ ip: 'a' }, { identity: 1, flags: 0 });
    t.takeChanges();
    t.set({ ip: 'a' }, { flags: 0, identity: 1 });
    assert.equal(t.touched, false);
    assert.deepEqual(t.takeChanges(), { upserts: [], deletes: [] });
  });

  it('reports nothing for a key added and removed between takes, or changed and changed back', () => {
    const t = table();
    t.set({ ip: 'kept' }, { identity: 1, flags: 0 });
    t.takeChanges();
    t.set({ ip: 'new' }, { identity: 9, flags: 0 });
    t.delete({ ip: 'new' });
    t.set({ ip: 'kept' }, { identity: 2, flags: 0 });
    t.set({ ip: 'kept' }, { identity: 1, flags: 0 });
    assert.deepEqual(t.takeChanges(), { upserts: [], deletes: [] });
  });

  it('reports a delete then re-add with another value as one upsert', () => {
    const t = table();
    t.set({ ip: 'a' }, { identity: 1, flags: 0 });
    t.takeChanges();
    t.delete({ ip: 'a' });
    t.set({ ip: 'a' }, { identity: 1, flags: 1 });
    assert.deepEqual(t.takeChanges(), { upserts: [{ keyString: 'a', key: { ip: 'a' }, value: { identity: 1, flags: 1 }, previous: { identity: 1, flags: 0 } }], deletes: [] });
  });

  it('clear() reports every entry as deleted, except those set again to the same value', () => {
    const t = table();
    t.set({ ip: 'a' }, { identity: 1, flags: 0 });
    t.set({ ip: 'b' }, { identity: 2, flags: 0 });
    t.takeChanges();
    t.clear();
    t.set({ ip: 'b' }, { identity: 2, flags: 0 });
    assert.deepEqual(t.takeChanges(), { upserts: [], deletes: [{ keyString: 'a', key: { ip: 'a' }, previous: { identity: 1, flags: 0 } }] });
  });

  it('remembers nothing before the first take: it reports every entry then, and what was removed meanwhile not at all', () => {
    const t = table();
    t.set({ ip: 'a' }, { identity: 1, flags: 0 });
    t.set({ ip: 'gone' }, { identity: 2, flags: 0 });
    t.delete({ ip: 'gone' });
    assert.equal(t.touched, true);
    assert.deepEqual(t.takeChanges().upserts.map((c) => c.keyString), ['a']);
    t.set({ ip: 'b' }, { identity: 3, flags: 0 });
    t.forgetChanges();
    assert.equal(t.touched, false, 'forgetChanges drops what was recorded');
    assert.deepEqual(t.takeChanges(), { upserts: [], deletes: [] });
  });

  it('deleting a missing key changes nothing', () => {
    const t = table();
    t.takeChanges();
    t.delete({ ip: 'nothing' });
    assert.equal(t.touched, false);
  });
});
