import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldSelectorError, matchesFields, parseFieldSelector } from '@netledger/kube-apiserver';

const fields = new Map([
  ['metadata.name', 'web-1'],
  ['spec.nodeName', 'node-a'],
  ['status.phase', 'Running'],
]);

describe('field selector', () => {
  it('parses =, == and != clauses', () => {
    assert.deepEqual(parseFieldSelector('metadata.name=web-1,spec.nodeName!=b, status.phase==Running').requirements, [
      { field: 'metadata.name', op: 'equals', value: 'web-1' },
      { field: 'spec.nodeName', op: 'notEquals', value: 'b' },
      { field: 'status.phase', op: 'equals', value: 'Running' },
    ]);
  });

  it('matches all clauses', () => {
    assert.equal(matchesFields(parseFieldSelector('spec.nodeName=node-a,status.phase=Running'), fields), true);
    assert.equal(matchesFields(parseFieldSelector('spec.nodeName=node-a,status.phase!=Running'), fields), false);
    assert.equal(matchesFields(parseFieldSelector('spec.nodeName='), new Map()), true, 'missing fields read as empty');
  });

  it('unescapes values', () => {
    assert.deepEqual(parseFieldSelector('metadata.name=a\\,b').requirements, [{ field: 'metadata.name', op: 'equals', value: 'a,b' }]);
  });

  it('rejects clauses without an operator', () => {
    assert.throws(() => parseFieldSelector('metadata.name'), FieldSelectorError);
    assert.throws(() => parseFieldSelector('a<3'), FieldSelectorError);
  });
});
