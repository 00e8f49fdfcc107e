import { describe, it } from 'node:test';
import { reachabilityMatrix } from '@netledger/policy-engine';
import { ALL_ALLOWED, assertMatrix, PODS, policies, policy } from './support/netpol-model.js';

// Kubernetes NetworkPolicy semantics, one reachability matrix per policy, in the style of the
// upstream e2e suite (rows: source, columns: destination; '.' allowed, 'X' denied).

describe('NetworkPolicy reachability', () => {
  it('allows everything with no policy and with an allow-all policy', () => {
    assertMatrix(reachabilityMatrix([], PODS, 80, 'TCP'), ALL_ALLOWED);
    const allowAll = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-all, namespace: x }
      spec:
        podSelector: {}
        ingress: [{}]
    `);
    assertMatrix(reachabilityMatrix([allowAll], PODS, 80, 'TCP'), ALL_ALLOWED);
  });

  it('deny-all ingress closes every pod of the namespace to everyone', () => {
    const denyAll = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: deny-all, namespace: x }
      spec:
        podSelector: {}
        policyTypes: [Ingress]
    `);
    assertMatrix(reachabilityMatrix([denyAll], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   X   X   .   .   .   .   .   .
      x/b  X   X   X   .   .   .   .   .   .
      x/c  X   X   X   .   .   .   .   .   .
      y/a  X   X   X   .   .   .   .   .   .
      y/b  X   X   X   .   .   .   .   .   .
      y/c  X   X   X   .   .   .   .   .   .
      z/a  X   X   X   .   .   .   .   .   .
      z/b  X   X   X   .   .   .   .   .   .
      z/c  X   X   X   .   .   .   .   .   .
    `);
  });

  it('deny-all egress stops every pod of the namespace from sending', () => {
    const denyEgress = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: deny-all-egress, namespace: x }
      spec:
        podSelector: {}
        policyTypes: [Egress]
    `);
    assertMatrix(reachabilityMatrix([denyEgress], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   X   X   X   X   X   X   X   X
      x/b  X   X   X   X   X   X   X   X   X
      x/c  X   X   X   X   X   X   X   X   X
      y/a  .   .   .   .   .   .   .   .   .
      y/b  .   .   .   .   .   .   .   .   .
      y/c  .   .   .   .   .   .   .   .   .
      z/a  .   .   .   .   .   .   .   .   .
      z/b  .   .   .   .   .   .   .   .   .
      z/c  .   .   .   .   .   .   .   .   .
    `);
  });

  it('allows ingress from one namespace', () => {
    const fromY = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-from-y, namespace: x }
      spec:
        podSelector: {}
        ingress:
          - from:
              - namespaceSelector: { matchLabels: { ns: y } }
    `);
    assertMatrix(reachabilityMatrix([fromY], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   X   X   .   .   .   .   .   .
      x/b  X   X   X   .   .   .   .   .   .
      x/c  X   X   X   .   .   .   .   .   .
      y/a  .   .   .   .   .   .   .   .   .
      y/b  .   .   .   .   .   .   .   .   .
      y/c  .   .   .   .   .   .   .   .   .
      z/a  X   X   X   .   .   .   .   .   .
      z/b  X   X   X   .   .   .   .   .   .
      z/c  X   X   X   .   .   .   .   .   .
    `);
  });

  it('allows ingress from a pod label in any namespace (namespaceSelector {})', () => {
    const fromB = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-from-b-anywhere, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: a } }
        ingress:
          - from:
              - namespaceSelector: {}
                podSelector: { matchLabels: { pod: b } }
    `);
    assertMatrix(reachabilityMatrix([fromB], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   .   .   .   .   .   .   .   .
      x/b  .   .   .   .   .   .   .   .   .
      x/c  X   .   .   .   .   .   .   .   .
      y/a  X   .   .   .   .   .   .   .   .
      y/b  .   .   .   .   .   .   .   .   .
      y/c  X   .   .   .   .   .   .   .   .
      z/a  X   .   .   .   .   .   .   .   .
      z/b  .   .   .   .   .   .   .   .   .
      z/c  X   .   .   .   .   .   .   .   .
    `);
  });

  it('treats namespaceSelector and podSelector in one peer as AND', () => {
    const and = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-y-c, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: a } }
        ingress:
          - from:
              - namespaceSelector: { matchLabels: { ns: y } }
                podSelector: { matchLabels: { pod: c } }
    `);
    assertMatrix(reachabilityMatrix([and], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   .   .   .   .   .   .   .   .
      x/b  X   .   .   .   .   .   .   .   .
      x/c  X   .   .   .   .   .   .   .   .
      y/a  X   .   .   .   .   .   .   .   .
      y/b  X   .   .   .   .   .   .   .   .
      y/c  .   .   .   .   .   .   .   .   .
      z/a  X   .   .   .   .   .   .   .   .
      z/b  X   .   .   .   .   .   .   .   .
      z/c  X   .   .   .   .   .   .   .   .
    `);
  });

  it('treats namespaceSelector and podSelector in two peers as OR (podSelector alone means the policy namespace)', () => {
    const or = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-y-or-c, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: a } }
        ingress:
          - from:
              - namespaceSelector: { matchLabels: { ns: y } }
              - podSelector: { matchLabels: { pod: c } }
    `);
    assertMatrix(reachabilityMatrix([or], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   .   .   .   .   .   .   .   .
      x/b  X   .   .   .   .   .   .   .   .
      x/c  .   .   .   .   .   .   .   .   .
      y/a  .   .   .   .   .   .   .   .   .
      y/b  .   .   .   .   .   .   .   .   .
      y/c  .   .   .   .   .   .   .   .   .
      z/a  X   .   .   .   .   .   .   .   .
      z/b  X   .   .   .   .   .   .   .   .
      z/c  X   .   .   .   .   .   .   .   .
    `);
  });

  it('honours port ranges (endPort) inclusively', () => {
    const range = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-y-81-82, namespace: x }
      spec:
        podSelector: {}
        ingress:
          - from: [{ namespaceSelector: { matchLabels: { ns: y } } }]
            ports: [{ protocol: TCP, port: 81, endPort: 82 }]
    `);
    const closed = `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   X   X   .   .   .   .   .   .
      x/b  X   X   X   .   .   .   .   .   .
      x/c  X   X   X   .   .   .   .   .   .
      y/a  X   X   X   .   .   .   .   .   .
      y/b  X   X   X   .   .   .   .   .   .
      y/c  X   X   X   .   .   .   .   .   .
      z/a  X   X   X   .   .   .   .   .   .
      z/b  X   X   X   .   .   .   .   .   .
      z/c  X   X   X   .   .   .   .   .   .
    `;
    const fromYOnly = `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   X   X   .   .   .   .   .   .
      x/b  X   X   X   .   .   .   .   .   .
      x/c  X   X   X   .   .   .   .   .   .
      y/a  .   .   .   .   .   .   .   .   .
      y/b  .   .   .   .   .   .   .   .   .
      y/c  .   .   .   .   .   .   .   .   .
      z/a  X   X   X   .   .   .   .   .   .
      z/b  X   X   X   .   .   .   .   .   .
      z/c  X   X   X   .   .   .   .   .   .
    `;
    assertMatrix(reachabilityMatrix([range], PODS, 80, 'TCP'), closed);
    assertMatrix(reachabilityMatrix([range], PODS, 81, 'TCP'), fromYOnly);
    assertMatrix(reachabilityMatrix([range], PODS, 82, 'TCP'), fromYOnly);
    assertMatrix(reachabilityMatrix([range], PODS, 83, 'TCP'), closed);
    assertMatrix(reachabilityMatrix([range], PODS, 81, 'UDP'), closed);
  });

  it('resolves named ports against the destination pod, per protocol', () => {
    const named = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-serve-81-tcp, namespace: x }
      spec:
        podSelector: {}
        ingress:
          - ports: [{ port: serve-81-tcp }]
    `);
    const closed = `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   X   X   .   .   .   .   .   .
      x/b  X   X   X   .   .   .   .   .   .
      x/c  X   X   X   .   .   .   .   .   .
      y/a  X   X   X   .   .   .   .   .   .
      y/b  X   X   X   .   .   .   .   .   .
      y/c  X   X   X   .   .   .   .   .   .
      z/a  X   X   X   .   .   .   .   .   .
      z/b  X   X   X   .   .   .   .   .   .
      z/c  X   X   X   .   .   .   .   .   .
    `;
    assertMatrix(reachabilityMatrix([named], PODS, 81, 'TCP'), ALL_ALLOWED);
    assertMatrix(reachabilityMatrix([named], PODS, 80, 'TCP'), closed);
    assertMatrix(reachabilityMatrix([named], PODS, 81, 'UDP'), closed);
  });

  it('resolves named ports in egress rules against the destination pod', () => {
    const named = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: egress-serve-81-udp, namespace: x }
      spec:
        podSelector: {}
        policyTypes: [Egress]
        egress:
          - ports: [{ port: serve-81-udp, protocol: UDP }]
    `);
    assertMatrix(reachabilityMatrix([named], PODS, 81, 'UDP'), ALL_ALLOWED);
    assertMatrix(reachabilityMatrix([named], PODS, 80, 'UDP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   X   X   X   X   X   X   X   X
      x/b  X   X   X   X   X   X   X   X   X
      x/c  X   X   X   X   X   X   X   X   X
      y/a  .   .   .   .   .   .   .   .   .
      y/b  .   .   .   .   .   .   .   .   .
      y/c  .   .   .   .   .   .   .   .   .
      z/a  .   .   .   .   .   .   .   .   .
      z/b  .   .   .   .   .   .   .   .   .
      z/c  .   .   .   .   .   .   .   .   .
    `);
  });

  it('accepts a named port nobody declares; it matches nothing', () => {
    const undeclared = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-undeclared, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: b } }
        ingress:
          - ports: [{ port: serve-99-tcp }]
    `);
    assertMatrix(reachabilityMatrix([undeclared], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  .   X   .   .   .   .   .   .   .
      x/b  .   X   .   .   .   .   .   .   .
      x/c  .   X   .   .   .   .   .   .   .
      y/a  .   X   .   .   .   .   .   .   .
      y/b  .   X   .   .   .   .   .   .   .
      y/c  .   X   .   .   .   .   .   .   .
      z/a  .   X   .   .   .   .   .   .   .
      z/b  .   X   .   .   .   .   .   .   .
      z/c  .   X   .   .   .   .   .   .   .
    `);
  });

  it('does not let ipBlock match pod addresses (CIDR rules cover the world only)', () => {
    // 192.168.0.0/16 holds every pod address of the model; the peers are still denied.
    const block = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-cidr, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: a } }
        ingress:
          - from:
              - ipBlock: { cidr: 192.168.0.0/16, except: [192.168.2.0/24] }
    `);
    assertMatrix(reachabilityMatrix([block], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   .   .   .   .   .   .   .   .
      x/b  X   .   .   .   .   .   .   .   .
      x/c  X   .   .   .   .   .   .   .   .
      y/a  X   .   .   .   .   .   .   .   .
      y/b  X   .   .   .   .   .   .   .   .
      y/c  X   .   .   .   .   .   .   .   .
      z/a  X   .   .   .   .   .   .   .   .
      z/b  X   .   .   .   .   .   .   .   .
      z/c  X   .   .   .   .   .   .   .   .
    `);
  });

  it('restricts egress to the listed peers; policyTypes omitted with egress rules governs both directions', () => {
    const omitted = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: a-to-b, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: a } }
        egress:
          - to: [{ podSelector: { matchLabels: { pod: b } } }]
    `);
    assertMatrix(reachabilityMatrix([omitted], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   .   X   X   X   X   X   X   X
      x/b  X   .   .   .   .   .   .   .   .
      x/c  X   .   .   .   .   .   .   .   .
      y/a  X   .   .   .   .   .   .   .   .
      y/b  X   .   .   .   .   .   .   .   .
      y/c  X   .   .   .   .   .   .   .   .
      z/a  X   .   .   .   .   .   .   .   .
      z/b  X   .   .   .   .   .   .   .   .
      z/c  X   .   .   .   .   .   .   .   .
    `);
  });

  it('governs only egress when policyTypes says Egress', () => {
    const egressOnly = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: a-to-b, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: a } }
        policyTypes: [Egress]
        egress:
          - to: [{ podSelector: { matchLabels: { pod: b } } }]
    `);
    assertMatrix(reachabilityMatrix([egressOnly], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   .   X   X   X   X   X   X   X
      x/b  .   .   .   .   .   .   .   .   .
      x/c  .   .   .   .   .   .   .   .   .
      y/a  .   .   .   .   .   .   .   .   .
      y/b  .   .   .   .   .   .   .   .   .
      y/c  .   .   .   .   .   .   .   .   .
      z/a  .   .   .   .   .   .   .   .   .
      z/b  .   .   .   .   .   .   .   .   .
      z/c  .   .   .   .   .   .   .   .   .
    `);
  });

  it('ignores egress rules when policyTypes lists only Ingress', () => {
    const ingressOnly = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: ingress-only, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: a } }
        policyTypes: [Ingress]
        ingress:
          - from: [{ podSelector: {} }]
        egress:
          - to: [{ podSelector: { matchLabels: { pod: b } } }]
    `);
    assertMatrix(reachabilityMatrix([ingressOnly], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  .   .   .   .   .   .   .   .   .
      x/b  .   .   .   .   .   .   .   .   .
      x/c  .   .   .   .   .   .   .   .   .
      y/a  X   .   .   .   .   .   .   .   .
      y/b  X   .   .   .   .   .   .   .   .
      y/c  X   .   .   .   .   .   .   .   .
      z/a  X   .   .   .   .   .   .   .   .
      z/b  X   .   .   .   .   .   .   .   .
      z/c  X   .   .   .   .   .   .   .   .
    `);
  });

  it('unions the rules of several policies selecting the same pod', () => {
    const both = policies(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: a-from-y, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: a } }
        ingress:
          - from: [{ namespaceSelector: { matchLabels: { ns: y } } }]
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: a-from-z-b, namespace: x }
      spec:
        podSelector: { matchLabels: { pod: a } }
        ingress:
          - from:
              - namespaceSelector: { matchExpressions: [{ key: ns, operator: In, values: [z] }] }
                podSelector: { matchLabels: { pod: b } }
    `.replace(/^ {6}/gm, ''));
    assertMatrix(reachabilityMatrix(both, PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   .   .   .   .   .   .   .   .
      x/b  X   .   .   .   .   .   .   .   .
      x/c  X   .   .   .   .   .   .   .   .
      y/a  .   .   .   .   .   .   .   .   .
      y/b  .   .   .   .   .   .   .   .   .
      y/c  .   .   .   .   .   .   .   .   .
      z/a  X   .   .   .   .   .   .   .   .
      z/b  .   .   .   .   .   .   .   .   .
      z/c  X   .   .   .   .   .   .   .   .
    `);
  });

  it('selects namespaces by the kubernetes.io/metadata.name label every namespace carries', () => {
    const byName = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: from-z-by-name, namespace: y }
      spec:
        podSelector: { matchLabels: { pod: c } }
        ingress:
          - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: z } } }]
    `);
    assertMatrix(reachabilityMatrix([byName], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  .   .   .   .   .   X   .   .   .
      x/b  .   .   .   .   .   X   .   .   .
      x/c  .   .   .   .   .   X   .   .   .
      y/a  .   .   .   .   .   X   .   .   .
      y/b  .   .   .   .   .   X   .   .   .
      y/c  .   .   .   .   .   X   .   .   .
      z/a  .   .   .   .   .   .   .   .   .
      z/b  .   .   .   .   .   .   .   .   .
      z/c  .   .   .   .   .   .   .   .   .
    `);
  });
});
