import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicy } from '@netledger/policy-engine';
import type { InForcePolicyView } from '@netledger/policy-service';
import { groupByNamespace } from '../src/policies/fetch-policies.js';
import { summarizePolicy } from '../src/policies/policy-summary.js';

function inForce(manifest: Record<string, unknown>, stream: string): InForcePolicyView {
  const parsed = parsePolicy(manifest);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const p = parsed.policy;
  return { kind: p.kind, namespace: p.namespace, name: p.name, ref: p.ref, stream, uid: 'u', resourceVersion: '7', revision: 3, rules: p.subjects, newerVersionRejected: null };
}

const allowed = inForce(
  {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: { name: 'pod-to-a-allowed-cnp', namespace: 'cc' },
    spec: {
      endpointSelector: { matchLabels: { name: 'pod-to-a-allowed-cnp' } },
      egress: [{ toEndpoints: [{ matchLabels: { name: 'echo-a' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }],
    },
  },
  'cnp/cc/pod-to-a-allowed-cnp',
);

describe('summarizePolicy', () => {
  it('puts a CNP into words: what it selects, its default deny, each rule with peers and ports', () => {
    const s = summarizePolicy(allowed);
    assert.equal(s.flowRef, 'CiliumNetworkPolicy/cc/pod-to-a-allowed-cnp');
    assert.equal(s.stream, 'cnp/cc/pod-to-a-allowed-cnp');
    assert.equal(s.subjects.length, 1);
    const subject = s.subjects[0]!;
    assert.equal(subject.selects, 'name=pod-to-a-allowed-cnp');
    assert.deepEqual(subject.defaultDeny, { ingress: null, egress: true });
    assert.deepEqual(subject.rules, [{ direction: 'egress', effect: 'allow', source: 'spec.egress[0]', peers: '{name=echo-a}', ports: 'TCP/8080' }]);
  });

  it('names CIDR peers with their exceptions and peers of other namespaces', () => {
    const s = summarizePolicy(
      inForce(
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'np', namespace: 'web' },
          spec: {
            podSelector: {},
            policyTypes: ['Ingress', 'Egress'],
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }] }],
            egress: [{ to: [{ ipBlock: { cidr: '198.51.100.0/24', except: ['198.51.100.10/32'] } }] }],
          },
        },
        'policy/web/np',
      ),
    );
    const subject = s.subjects[0]!;
    assert.equal(subject.selects, 'every endpoint');
    const rules = Object.fromEntries(subject.rules.map((r) => [r.direction, r]));
    assert.match(rules['ingress']!.peers, /team=a/);
    assert.equal(rules['egress']!.peers, '198.51.100.0/24 except 198.51.100.10/32');
    assert.equal(rules['egress']!.ports, 'any port');
  });
});

describe('groupByNamespace', () => {
  it('lists namespaces by name, cluster-wide policies last', () => {
    const a = summarizePolicy(allowed);
    const cluster = { ...a, namespace: null, name: 'global' };
    const other = { ...a, namespace: 'aa', name: 'x' };
    const grouped = groupByNamespace(4, [cluster, a, other]);
    assert.deepEqual(grouped.namespaces.map((g) => g.namespace), ['aa', 'cc', null]);
    assert.equal(grouped.revision, 4);
  });
});
