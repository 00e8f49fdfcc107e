import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonPatchError, applyJsonPatch } from '../src/json-patch.js';
import { applyMergePatch } from '../src/merge-patch.js';

describe('merge patch (RFC 7386)', () => {
  it('merges objects, deletes on null, replaces arrays', () => {
    const target = { a: 1, b: { c: 2, d: 3 }, list: [1, 2] };
    const result = applyMergePatch(target, { b: { c: null, e: 4 }, list: [9], z: 'new' });
    assert.deepEqual(result, { a: 1, b: { d: 3, e: 4 }, list: [9], z: 'new' });
    assert.deepEqual(target, { a: 1, b: { c: 2, d: 3 }, list: [1, 2] }, 'input untouched');
  });

  it('a non-object patch replaces the target', () => {
    assert.equal(applyMergePatch({ a: 1 }, 'x'), 'x');
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies add, remove, replace, move, copy and test', () => {
    const doc = { metadata: { labels: { a: '1' } }, list: ['x', 'y'] };
    const result = applyJsonPatch(doc, [
      { op: 'test', path: '/metadata/labels/a', value: '1' },
      { op: 'add', path: '/metadata/labels/b~1c', value: '2' },
      { op: 'replace', path: '/metadata/labels/a', value: '3' },
      { op: 'add', path: '/list/-', value: 'z' },
      { op: 'remove', path: '/list/0' },
      { op: 'copy', from: '/list/0', path: '/first' },
      { op: 'move', from: '/first', path: '/moved' },
    ]);
    assert.deepEqual(result, { metadata: { labels: { a: '3', 'b/c': '2' } }, list: ['y', 'z'], moved: 'y' });
    assert.deepEqual(doc.list, ['x', 'y'], 'input untouched');
  });

  it('fails on a failed test or a missing path', () => {
    assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]), JsonPatchError);
    assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '/b' }]), JsonPatchError);
    assert.throws(() => applyJsonPatch({ a: [] }, [{ op: 'replace', path: '/a/3', value: 1 }]), JsonPatchError);
    assert.throws(() => applyJsonPatch({}, { op: 'add' }), JsonPatchError);
  });
});
