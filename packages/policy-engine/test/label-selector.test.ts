import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileSelector,
  matchesSelector,
  parseLabelSelector,
  securityLabels,
  selectorKey,
  type Selector,
} from '@netledger/policy-engine';

function parsed(raw: unknown, dialect: 'kubernetes' | 'cilium' = 'kubernetes'): Selector {
  const result = parseLabelSelector(raw, { dialect });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.selector;
}

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', constructor: 'x' };

  it('matches the four operators with Kubernetes semantics', () => {
    const match = (raw: unknown) => matchesSelector(parsed(raw), labels);
    assert.equal(match({}), true);
    assert.equal(match({ matchLabels: { app: 'web' } }), true);
    assert.equal(match({ matchLabels: { app: 'db' } }), false);
    assert.equal(match({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['back', 'front'] }] }), true);
    assert.equal(match({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }), false);
    assert.equal(match({ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['x'] }] }), true, 'NotIn matches an absent key');
    assert.equal(match({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }), true);
    assert.equal(match({ matchExpressions: [{ key: 'missing', operator: 'Exists' }] }), false);
    assert.equal(match({ matchExpressions: [{ key: 'missing', operator: 'DoesNotExist' }] }), true);
    assert.equal(match({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }), false);
    assert.equal(match({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] }), false, 'AND of all');
  });

  it('does not confuse inherited object properties with labels', () => {
    assert.equal(matchesSelector(parsed({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }), {}), false);
    assert.equal(matchesSelector(parsed({ matchLabels: { constructor: 'x' } }), labels), true);
  });

  it('has a canonical, order-independent key', () => {
    const a = parsed({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'c', operator: 'In', values: ['y', 'x', 'x'] }, { key: 'd', operator: 'DoesNotExist' }] });
    const b = parsed({ matchExpressions: [{ key: 'd', operator: 'DoesNotExist' }, { key: 'c', operator: 'In', values: ['x', 'y'] }, { key: 'a', operator: 'In', values: ['1'] }], matchLabels: { b: '2' } });
    assert.equal(selectorKey(a), 'a=1,b=2,c in (x,y),!d');
    assert.equal(selectorKey(a), selectorKey(b));
    assert.deepEqual(a, b);
    assert.equal(selectorKey(parsed({ matchExpressions: [{ key: 'e', operator: 'Exists' }, { key: 'f', operator: 'NotIn', values: ['1'] }] })), 'e,f notin (1)');
    assert.equal(selectorKey(parsed({})), '');
  });

  it('reports problems with paths relative to the selector', () => {
    const result = parseLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }, { operator: 'Exists' }] });
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.errors.map((e) => e.field), ['matchExpressions[0].values', 'matchExpressions[1].key']);
  });

  it('strips Cilium k8s:/any: sources and keeps reserved: labels', () => {
    assert.equal(selectorKey(parsed({ matchLabels: { 'k8s:app': 'web', 'any:tier': 'front' } }, 'cilium')), 'app=web,tier=front');
    const host = parsed({ matchLabels: { 'reserved:host': '' } }, 'cilium');
    assert.equal(compileSelector(host)({ 'reserved:host': '' }), true);
    assert.equal(parseLabelSelector({ matchLabels: { 'k8s:app': 'web' } }).ok, false, 'Kubernetes selectors take no source prefix');
  });

  it('derives security labels from pod, namespace and service account', () => {
    assert.deepEqual(securityLabels({ namespace: 'x', labels: { pod: 'a' }, namespaceLabels: { ns: 'x' }, serviceAccount: 'sa' }), {
      pod: 'a',
      'io.kubernetes.pod.namespace': 'x',
      'io.cilium.k8s.namespace.labels.ns': 'x',
      'io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name': 'x',
      'io.cilium.k8s.policy.serviceaccount': 'sa',
    });
  });
});
