// PolicyAccepted.rules is written in contracts (which cannot import the engine) and produced by
// the engine: both shapes must stay the same, at compile time and at run time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { createNetledgerRegistry, type EventData, type PolicyAccepted } from '@netledger/contracts';
import { parsePolicy, type PolicySubject } from '@netledger/policy-engine';

type DeepReadonly<T> = T extends readonly (infer I)[] ? readonly DeepReadonly<I>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
type WireSubject = DeepReadonly<EventData<typeof PolicyAccepted>['rules'][number]>;

// Compile-time: each shape is assignable to the other (tsc fails here when they drift).
const engineToWire = (s: PolicySubject): WireSubject => s;
const wireToEngine = (s: WireSubject): PolicySubject => s;
void engineToWire;
void wireToEngine;

const MANIFESTS = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: everything, namespace: x }
spec:
  podSelector:
    matchExpressions:
      - { key: tier, operator: NotIn, values: [db, cache] }
      - { key: legacy, operator: DoesNotExist }
  policyTypes: [Ingress, Egress]
  ingress:
    - {}
    - from:
        - ipBlock: { cidr: 10.0.0.0/8, except: [10.1.0.0/16] }
        - namespaceSelector: { matchLabels: { ns: y } }
          podSelector: { matchExpressions: [{ key: pod, operator: Exists }] }
      ports:
        - { port: serve-80 }
        - { protocol: UDP, port: 53 }
        - { protocol: SCTP, port: 1000, endPort: 2000 }
        - { protocol: TCP }
  egress:
    - to: [{ ipBlock: { cidr: "fd00::/8" } }]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: cilium, namespace: x }
specs:
  - endpointSelector: {}
    ingress:
      - fromEntities: [world, cluster, host, remote-node, kube-apiserver, all]
      - fromEndpoints: []
      - toPorts: [{ ports: [{ port: "80" }] }]
    ingressDeny:
      - fromCIDR: [192.0.2.1]
    egress:
      - toCIDRSet: [{ cidr: 198.51.100.0/24, except: [198.51.100.0/25] }]
    enableDefaultDeny: { ingress: false, egress: true }
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: { name: cluster }
spec:
  endpointSelector: { matchLabels: { "k8s:app": web } }
  egressDeny:
    - toEntities: [world]
      toPorts: [{ ports: [{ port: "443", protocol: ANY }] }]
`;

describe('PolicyAccepted.rules schema', () => {
  it('accepts every rule shape the engine produces', () => {
    const registry = createNetledgerRegistry();
    const docs = parseAllDocuments(MANIFESTS).map((d) => d.toJS() as unknown);
    assert.equal(docs.length, 3);
    for (const doc of docs) {
      const parsed = parsePolicy(doc);
      assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors));
      const p = parsed.policy;
      const data = { kind: p.kind, ...(p.namespace === null ? {} : { namespace: p.namespace }), name: p.name, uid: 'u', resourceVersion: '1', revision: 1, rules: p.subjects };
      assert.equal(registry.checkNew('policy', 'PolicyAccepted', data, p.ref), 1);
    }
  });

  it('refuses rules that are not normalized policy subjects, naming the field', () => {
    const registry = createNetledgerRegistry();
    const bad = { kind: 'NetworkPolicy', namespace: 'x', name: 'n', uid: 'u', resourceVersion: '1', revision: 1, rules: [{ source: 'spec', selector: {}, ingress: null, egress: null }] };
    assert.throws(() => registry.checkNew('policy', 'PolicyAccepted', bad, 'policy/x/n'), /rules\/0\/selector/);
  });
});
