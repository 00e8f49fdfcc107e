import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiff } from '../src/history/format-diff.js';
import { isEmptyDiff, jsonDiff } from '../src/history/json-diff.js';
import { parseLogPoint } from '../src/history/log-point.js';
import { stateDiff } from '../src/history/state-diff.js';
import { UsageError } from '../src/cli-error.js';

describe('jsonDiff', () => {
  it('names added, removed and changed fields by dotted path, arrays whole', () => {
    const d = jsonDiff({ a: 1, b: { c: 2, d: [1, 2] }, gone: true }, { a: 1, b: { c: 3, d: [2, 1], e: null } });
    assert.deepEqual(d, { added: { 'b.e': null }, removed: { gone: true }, changed: { 'b.c': { from: 2, to: 3 }, 'b.d': { from: [1, 2], to: [2, 1] } } });
    assert.deepEqual(formatDiff(d, ''), ['+ b.e: null', '- gone: true', '~ b.c: 2 -> 3', '~ b.d: [1,2] -> [2,1]']);
  });

  it('shows a created object as all added and a deleted one as all removed', () => {
    assert.deepEqual(jsonDiff(undefined, { a: 1 }).added, { a: 1 });
    assert.deepEqual(jsonDiff({ a: 1 }, undefined).removed, { a: 1 });
    assert.deepEqual(jsonDiff(undefined, 5).added, { '.': 5 });
    assert.ok(isEmptyDiff(jsonDiff({ a: [1] }, { a: [1] })));
    assert.ok(isEmptyDiff(jsonDiff(undefined, undefined)));
  });
});

describe('stateDiff', () => {
  it('lists objects added, removed and changed, sorted by stream', () => {
    const from = new Map<string, unknown>([['p/b', { v: 1 }], ['p/a', { v: 1 }], ['p/same', { v: 1 }]]);
    const to = new Map<string, unknown>([['p/c', { v: 1 }], ['p/a', { v: 2 }], ['p/same', { v: 1 }]]);
    assert.deepEqual(stateDiff(from, to), { added: ['p/c'], removed: ['p/b'], changed: [{ stream: 'p/a', diff: { added: {}, removed: {}, changed: { v: { from: 1, to: 2 } } } }] });
  });
});

describe('parseLogPoint', () => {
  it('reads a sequence, an ISO time or a duration ago', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    assert.deepEqual(parseLogPoint('at', '42', now), { kind: 'seq', seq: 42 });
    assert.deepEqual(parseLogPoint('at', '2026-11-29T10:00:00Z', now), { kind: 'time', time: new Date('2026-11-29T10:00:00Z') });
    assert.deepEqual(parseLogPoint('at', '2h', now), { kind: 'time', time: new Date('2026-11-29T10:00:00Z') });
    assert.throws(() => parseLogPoint('from', 'yesterday', now), (e: unknown) => e instanceof UsageError && /--from yesterday/.test(e.message));
  });
});
