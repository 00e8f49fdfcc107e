import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LABEL_EXCLUDE } from '../src/identity-options.js';
import { LabelFilter } from '../src/label-filter.js';
import { namespaceSecurityLabels, podSecurityLabels } from '../src/security-labels.js';
import { pod } from './support/objects.js';

const filter = new LabelFilter(DEFAULT_LABEL_EXCLUDE);

describe('security labels', () => {
  it("are the pod's labels, its namespace, the namespace's labels and the service account, sorted", () => {
    const ns = namespaceSecurityLabels('shop', { team: 'blue' }, filter);
    const labels = podSecurityLabels(pod('shop', 'web-1', { labels: { app: 'web', tier: 'front' }, serviceAccount: 'web-sa' }), ns, filter);
    assert.deepEqual(labels, [
      'k8s:app=web',
      'k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop',
      'k8s:io.cilium.k8s.namespace.labels.team=blue',
      'k8s:io.cilium.k8s.policy.serviceaccount=web-sa',
      'k8s:io.kubernetes.pod.namespace=shop',
      'k8s:tier=front',
    ]);
  });

  it('default to the default service account', () => {
    const labels = podSecurityLabels(pod('a', 'p'), namespaceSecurityLabels('a', {}, filter), filter);
    assert.ok(labels.includes('k8s:io.cilium.k8s.policy.serviceaccount=default'));
  });

  it('leave out the high-cardinality labels of the default list', () => {
    const labels = podSecurityLabels(
      pod('a', 'p', {
        labels: {
          app: 'db',
          'pod-template-hash': '5d8f9c',
          'controller-revision-hash': 'db-7c9',
          'pod-template-generation': '3',
          'statefulset.kubernetes.io/pod-name': 'db-0',
          'apps.kubernetes.io/pod-index': '0',
          'batch.kubernetes.io/controller-uid': 'x',
          'batch.kubernetes.io/job-name': 'j',
          'controller-uid': 'x',
          'job-name': 'j',
        },
      }),
      [],
      filter,
    );
    assert.deepEqual(labels, ['k8s:app=db', 'k8s:io.cilium.k8s.policy.serviceaccount=default']);
  });

  it('never take the derived keys from the pod itself (no posing as another namespace)', () => {
    const labels = podSecurityLabels(
      pod('a', 'p', { labels: { 'io.kubernetes.pod.namespace': 'kube-system', 'io.cilium.k8s.policy.serviceaccount': 'admin', app: 'x' } }),
      namespaceSecurityLabels('a', {}, filter),
      filter,
    );
    assert.ok(labels.includes('k8s:io.kubernetes.pod.namespace=a'));
    assert.ok(!labels.includes('k8s:io.kubernetes.pod.namespace=kube-system'));
    assert.ok(!labels.includes('k8s:io.cilium.k8s.policy.serviceaccount=admin'));
  });

  it('follow a configured exclude list instead of the default one', () => {
    const custom = new LabelFilter([/^version$/]);
    const labels = podSecurityLabels(pod('a', 'p', { labels: { app: 'x', version: 'v2', 'pod-template-hash': 'h' } }), [], custom);
    assert.deepEqual(labels, ['k8s:app=x', 'k8s:io.cilium.k8s.policy.serviceaccount=default', 'k8s:pod-template-hash=h']);
  });

  it('of a namespace keep its metadata.name label when the source has it, and add it when not', () => {
    assert.deepEqual(namespaceSecurityLabels('b', { 'kubernetes.io/metadata.name': 'b' }, filter), namespaceSecurityLabels('b', undefined, filter));
  });
});
