import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LabelSelectorSyntaxError, matchesLabels, parseLabelSelector } from '@netledger/kube-apiserver';

const labels = { app: 'web', tier: 'front', version: '3' };

function matches(selector: string, l: Record<string, string> = labels): boolean {
  return matchesLabels(parseLabelSelector(selector), l);
}

describe('label selector', () => {
  it('parses every operator', () => {
    const sel = parseLabelSelector('a=1, b==2,c!=3,d in (x, y),e notin (z),f,!g,h>4,i<5');
    assert.deepEqual(sel.requirements, [
      { kind: 'equals', key: 'a', value: '1' },
      { kind: 'equals', key: 'b', value: '2' },
      { kind: 'notEquals', key: 'c', value: '3' },
      { kind: 'in', key: 'd', values: ['x', 'y'] },
      { kind: 'notIn', key: 'e', values: ['z'] },
      { kind: 'exists', key: 'f' },
      { kind: 'doesNotExist', key: 'g' },
      { kind: 'greaterThan', key: 'h', value: 4 },
      { kind: 'lessThan', key: 'i', value: 5 },
    ]);
  });

  it('empty selector matches everything', () => {
    assert.equal(matches(''), true);
    assert.equal(matches('  ', {}), true);
  });

  it('equality and inequality', () => {
    assert.equal(matches('app=web'), true);
    assert.equal(matches('app==web'), true);
    assert.equal(matches('app=db'), false);
    assert.equal(matches('app!=db'), true);
    assert.equal(matches('missing!=x'), true, '!= matches objects without the label');
    assert.equal(matches('missing=x'), false);
    assert.equal(matches('app=web,tier=back'), false, 'requirements are ANDed');
  });

  it('set-based', () => {
    assert.equal(matches('tier in (front,back)'), true);
    assert.equal(matches('tier in (back)'), false);
    assert.equal(matches('tier notin (back)'), true);
    assert.equal(matches('missing notin (x)'), true);
    assert.equal(matches('missing in (x)'), false);
    assert.equal(matches('app'), true);
    assert.equal(matches('!app'), false);
    assert.equal(matches('!missing'), true);
    assert.equal(matches('version>2'), true);
    assert.equal(matches('version<3'), false);
  });

  it('prefixed keys and empty values', () => {
    assert.equal(matches('k8s.io/name=x', { 'k8s.io/name': 'x' }), true);
    assert.equal(matches('a=', { a: '' }), true);
    assert.equal(matches('a in (,b)', { a: '' }), true);
  });

  it('rejects malformed selectors with the position', () => {
    for (const bad of ['a in b', 'a in (b', 'a notlike (b)', 'a!b', '=b', 'a=b,,c', 'n>x']) {
      assert.throws(() => parseLabelSelector(bad), LabelSelectorSyntaxError, bad);
    }
  });
});
