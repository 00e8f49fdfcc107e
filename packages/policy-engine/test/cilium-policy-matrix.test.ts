import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPolicyEvaluator, evaluate, reachabilityMatrix } from '@netledger/policy-engine';
import { ALL_ALLOWED, assertMatrix, PODS, pod, policies, policy } from './support/netpol-model.js';

// CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy semantics on the same x/y/z model.

const world = (ip: string) => ({ kind: 'ip' as const, ip });

describe('CiliumNetworkPolicy reachability', () => {
  it('limits fromEndpoints without a namespace to the policy namespace', () => {
    const fromB = policy(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: { name: a-from-b, namespace: x }
      spec:
        endpointSelector: { matchLabels: { pod: a } }
        ingress:
          - fromEndpoints: [{ matchLabels: { pod: b } }]
    `);
    assertMatrix(reachabilityMatrix([fromB], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   .   .   .   .   .   .   .   .
      x/b  .   .   .   .   .   .   .   .   .
      x/c  X   .   .   .   .   .   .   .   .
      y/a  X   .   .   .   .   .   .   .   .
      y/b  X   .   .   .   .   .   .   .   .
      y/c  X   .   .   .   .   .   .   .   .
      z/a  X   .   .   .   .   .   .   .   .
      z/b  X   .   .   .   .   .   .   .   .
      z/c  X   .   .   .   .   .   .   .   .
    `);
  });

  it('lets fromEndpoints name another namespace with the k8s: source prefix', () => {
    const fromY = policy(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: { name: a-from-y, namespace: x }
      spec:
        endpointSelector: { matchLabels: { pod: a } }
        ingress:
          - fromEndpoints: [{ matchLabels: { "k8s:io.kubernetes.pod.namespace": y } }]
    `);
    assertMatrix(reachabilityMatrix([fromY], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   .   .   .   .   .   .   .   .
      x/b  X   .   .   .   .   .   .   .   .
      x/c  X   .   .   .   .   .   .   .   .
      y/a  .   .   .   .   .   .   .   .   .
      y/b  .   .   .   .   .   .   .   .   .
      y/c  .   .   .   .   .   .   .   .   .
      z/a  X   .   .   .   .   .   .   .   .
      z/b  X   .   .   .   .   .   .   .   .
      z/c  X   .   .   .   .   .   .   .   .
    `);
  });

  it('supports matchExpressions (In, NotIn, Exists) in peers', () => {
    const exprs = policy(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: { name: from-yz-not-c, namespace: x }
      spec:
        endpointSelector: {}
        ingress:
          - fromEndpoints:
              - matchExpressions:
                  - { key: io.kubernetes.pod.namespace, operator: In, values: [y, z] }
                  - { key: pod, operator: NotIn, values: [c] }
                  - { key: io.cilium.k8s.namespace.labels.ns, operator: Exists }
    `);
    assertMatrix(reachabilityMatrix([exprs], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   X   X   .   .   .   .   .   .
      x/b  X   X   X   .   .   .   .   .   .
      x/c  X   X   X   .   .   .   .   .   .
      y/a  .   .   .   .   .   .   .   .   .
      y/b  .   .   .   .   .   .   .   .   .
      y/c  X   X   X   .   .   .   .   .   .
      z/a  .   .   .   .   .   .   .   .   .
      z/b  .   .   .   .   .   .   .   .   .
      z/c  X   X   X   .   .   .   .   .   .
    `);
  });

  it('treats a namespace-label condition as naming the namespace (no implicit restriction)', () => {
    const byNsLabel = policy(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: { name: from-ns-z, namespace: x }
      spec:
        endpointSelector: { matchLabels: { pod: c } }
        ingress:
          - fromEndpoints: [{ matchLabels: { io.cilium.k8s.namespace.labels.ns: z } }]
    `);
    assertMatrix(reachabilityMatrix([byNsLabel], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  .   .   X   .   .   .   .   .   .
      x/b  .   .   X   .   .   .   .   .   .
      x/c  .   .   X   .   .   .   .   .   .
      y/a  .   .   X   .   .   .   .   .   .
      y/b  .   .   X   .   .   .   .   .   .
      y/c  .   .   X   .   .   .   .   .   .
      z/a  .   .   .   .   .   .   .   .   .
      z/b  .   .   .   .   .   .   .   .   .
      z/c  .   .   .   .   .   .   .   .   .
    `);
  });

  it('restricts ports with toPorts; {} endpoints means the policy namespace', () => {
    const onlyOn81 = policy(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: { name: a-81-from-x, namespace: x }
      spec:
        endpointSelector: { matchLabels: { pod: a } }
        ingress:
          - fromEndpoints: [{}]
            toPorts: [{ ports: [{ port: "81", protocol: TCP }] }]
    `);
    assertMatrix(reachabilityMatrix([onlyOn81], PODS, 81, 'TCP'), `
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
    const closedA = `
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
    `;
    assertMatrix(reachabilityMatrix([onlyOn81], PODS, 80, 'TCP'), closedA);
    assertMatrix(reachabilityMatrix([onlyOn81], PODS, 81, 'UDP'), closedA);
  });

  it('reads a toPorts-only rule as any peer, and protocol ANY as every protocol', () => {
    const egress80 = policy(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: { name: y-egress-80, namespace: y }
      spec:
        endpointSelector: {}
        egress:
          - toPorts: [{ ports: [{ port: "80", endPort: 80 }] }]
    `);
    assertMatrix(reachabilityMatrix([egress80], PODS, 80, 'TCP'), ALL_ALLOWED);
    assertMatrix(reachabilityMatrix([egress80], PODS, 80, 'UDP'), ALL_ALLOWED);
    assertMatrix(reachabilityMatrix([egress80], PODS, 80, 'SCTP'), ALL_ALLOWED);
    assertMatrix(reachabilityMatrix([egress80], PODS, 81, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  .   .   .   .   .   .   .   .   .
      x/b  .   .   .   .   .   .   .   .   .
      x/c  .   .   .   .   .   .   .   .   .
      y/a  X   X   X   X   X   X   X   X   X
      y/b  X   X   X   X   X   X   X   X   X
      y/c  X   X   X   X   X   X   X   X   X
      z/a  .   .   .   .   .   .   .   .   .
      z/b  .   .   .   .   .   .   .   .   .
      z/c  .   .   .   .   .   .   .   .   .
    `);
  });

  it('makes `ingress: [{}]` a default deny that allows nothing', () => {
    const lockdown = policy(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: { name: lockdown, namespace: z }
      spec:
        endpointSelector: {}
        ingress: [{}]
    `);
    assertMatrix(reachabilityMatrix([lockdown], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  .   .   .   .   .   .   X   X   X
      x/b  .   .   .   .   .   .   X   X   X
      x/c  .   .   .   .   .   .   X   X   X
      y/a  .   .   .   .   .   .   X   X   X
      y/b  .   .   .   .   .   .   X   X   X
      y/c  .   .   .   .   .   .   X   X   X
      z/a  .   .   .   .   .   .   X   X   X
      z/b  .   .   .   .   .   .   X   X   X
      z/c  .   .   .   .   .   .   X   X   X
    `);
  });

  describe('fromEntities', () => {
    const entities = (list: string) => policy(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: { name: from-entities, namespace: x }
      spec:
        endpointSelector: {}
        ingress:
          - fromEntities: ${list}
    `);
    const xClosed = `
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
    const probe = (policies: ReturnType<typeof entities>[], src: Parameters<typeof evaluate>[1]['src']) =>
      evaluate(policies, { src, dst: pod('x/a'), port: 80, protocol: 'TCP' }).verdict;

    it('world admits only addresses outside the cluster', () => {
      const p = entities('[world]');
      assertMatrix(reachabilityMatrix([p], PODS, 80, 'TCP'), xClosed);
      assert.equal(probe([p], world('203.0.113.7')), 'ALLOWED');
      assert.equal(probe([p], world('2001:db8::7')), 'ALLOWED');
      assert.equal(probe([p], { kind: 'entity', entity: 'host' }), 'DENIED');
    });

    it('cluster admits every pod, the host and remote nodes, but not the world', () => {
      const p = entities('[cluster]');
      assertMatrix(reachabilityMatrix([p], PODS, 80, 'TCP'), ALL_ALLOWED);
      assert.equal(probe([p], { kind: 'entity', entity: 'host' }), 'ALLOWED');
      assert.equal(probe([p], { kind: 'entity', entity: 'remote-node' }), 'ALLOWED');
      assert.equal(probe([p], world('203.0.113.7')), 'DENIED');
    });

    it('all admits everything; host, remote-node and kube-apiserver admit only themselves', () => {
      const all = entities('[all]');
      assertMatrix(reachabilityMatrix([all], PODS, 80, 'TCP'), ALL_ALLOWED);
      assert.equal(probe([all], world('203.0.113.7')), 'ALLOWED');
      assert.equal(probe([all], { kind: 'entity', entity: 'kube-apiserver' }), 'ALLOWED');
      const host = entities('[host]');
      assertMatrix(reachabilityMatrix([host], PODS, 80, 'TCP'), xClosed);
      assert.equal(probe([host], { kind: 'entity', entity: 'host' }), 'ALLOWED');
      assert.equal(probe([host], { kind: 'entity', entity: 'remote-node' }), 'DENIED');
      const api = entities('[kube-apiserver, remote-node]');
      assert.equal(probe([api], { kind: 'entity', entity: 'kube-apiserver' }), 'ALLOWED');
      assert.equal(probe([api], { kind: 'entity', entity: 'remote-node' }), 'ALLOWED');
      assert.equal(probe([api], { kind: 'entity', entity: 'host' }), 'DENIED');
    });
  });

  it('applies toCIDRSet with except to world addresses only', () => {
    const cidr = policy(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: { name: a-to-net, namespace: x }
      spec:
        endpointSelector: { matchLabels: { pod: a } }
        egress:
          - toCIDRSet:
              - { cidr: 203.0.113.0/24, except: [203.0.113.128/25] }
              - { cidr: "2001:db8::/32", except: ["2001:db8:ffff::/48"] }
          - toCIDR: [192.168.0.0/16]
    `);
    assertMatrix(reachabilityMatrix([cidr], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   X   X   X   X   X   X   X   X
      x/b  .   .   .   .   .   .   .   .   .
      x/c  .   .   .   .   .   .   .   .   .
      y/a  .   .   .   .   .   .   .   .   .
      y/b  .   .   .   .   .   .   .   .   .
      y/c  .   .   .   .   .   .   .   .   .
      z/a  .   .   .   .   .   .   .   .   .
      z/b  .   .   .   .   .   .   .   .   .
      z/c  .   .   .   .   .   .   .   .   .
    `);
    const out = (ip: string) => evaluate([cidr], { src: pod('x/a'), dst: world(ip), port: 443, protocol: 'TCP' }).verdict;
    assert.equal(out('203.0.113.5'), 'ALLOWED');
    assert.equal(out('203.0.113.127'), 'ALLOWED');
    assert.equal(out('203.0.113.128'), 'DENIED');
    assert.equal(out('203.0.113.255'), 'DENIED');
    assert.equal(out('198.51.100.1'), 'DENIED');
    assert.equal(out('2001:db8:1::1'), 'ALLOWED');
    assert.equal(out('2001:db8:ffff::1'), 'DENIED');
    assert.equal(out('2001:db9::1'), 'DENIED');
    // 192.168.0.0/16 covers pod addresses; an address nobody owns in it is still world and matches.
    assert.equal(out('192.168.200.1'), 'ALLOWED');
    // With the cluster view, a pod's address is that pod and CIDR rules do not apply to it.
    const evaluator = createPolicyEvaluator([cidr], { cluster: { endpoints: PODS } });
    assert.equal(evaluator.evaluate({ src: pod('x/a'), dst: world('192.168.2.11'), port: 80, protocol: 'TCP' }).verdict, 'DENIED');
  });

  it('lets ingressDeny override an allow in the same and in other policies', () => {
    const set = policies(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: { name: allow-all-but-y-80, namespace: x }
      spec:
        endpointSelector: {}
        ingress:
          - fromEntities: [all]
        ingressDeny:
          - fromEndpoints: [{ matchLabels: { "k8s:io.kubernetes.pod.namespace": y } }]
            toPorts: [{ ports: [{ port: "80", protocol: TCP }] }]
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: allow-from-y, namespace: x }
      spec:
        podSelector: {}
        ingress:
          - from: [{ namespaceSelector: { matchLabels: { ns: y } } }]
    `.replace(/^ {6}/gm, ''));
    assertMatrix(reachabilityMatrix(set, PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  .   .   .   .   .   .   .   .   .
      x/b  .   .   .   .   .   .   .   .   .
      x/c  .   .   .   .   .   .   .   .   .
      y/a  X   X   X   .   .   .   .   .   .
      y/b  X   X   X   .   .   .   .   .   .
      y/c  X   X   X   .   .   .   .   .   .
      z/a  .   .   .   .   .   .   .   .   .
      z/b  .   .   .   .   .   .   .   .   .
      z/c  .   .   .   .   .   .   .   .   .
    `);
    assertMatrix(reachabilityMatrix(set, PODS, 81, 'TCP'), ALL_ALLOWED);
  });

  it('puts an endpoint selected only by deny rules into default deny, unless enableDefaultDeny is false', () => {
    const denyOnly = (extra: string) => policy(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: { name: deny-z, namespace: x }
      spec:
        endpointSelector: { matchLabels: { pod: b } }
        ${extra}
        ingressDeny:
          - fromEndpoints: [{ matchLabels: { "k8s:io.kubernetes.pod.namespace": z } }]
    `);
    assertMatrix(reachabilityMatrix([denyOnly('')], PODS, 80, 'TCP'), `
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
    assertMatrix(reachabilityMatrix([denyOnly('enableDefaultDeny: { ingress: false }')], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  .   .   .   .   .   .   .   .   .
      x/b  .   .   .   .   .   .   .   .   .
      x/c  .   .   .   .   .   .   .   .   .
      y/a  .   .   .   .   .   .   .   .   .
      y/b  .   .   .   .   .   .   .   .   .
      y/c  .   .   .   .   .   .   .   .   .
      z/a  .   X   .   .   .   .   .   .   .
      z/b  .   X   .   .   .   .   .   .   .
      z/c  .   X   .   .   .   .   .   .   .
    `);
  });

  it('applies egressDeny on the source side', () => {
    const noZ = policy(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: { name: no-egress-to-z, namespace: y }
      spec:
        endpointSelector: {}
        egress:
          - toEntities: [all]
        egressDeny:
          - toEndpoints: [{ matchLabels: { io.kubernetes.pod.namespace: z } }]
    `);
    assertMatrix(reachabilityMatrix([noZ], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  .   .   .   .   .   .   .   .   .
      x/b  .   .   .   .   .   .   .   .   .
      x/c  .   .   .   .   .   .   .   .   .
      y/a  .   .   .   .   .   .   X   X   X
      y/b  .   .   .   .   .   .   X   X   X
      y/c  .   .   .   .   .   .   X   X   X
      z/a  .   .   .   .   .   .   .   .   .
      z/b  .   .   .   .   .   .   .   .   .
      z/c  .   .   .   .   .   .   .   .   .
    `);
  });
});

describe('CiliumClusterwideNetworkPolicy reachability', () => {
  it('selects subjects and peers across namespaces', () => {
    const ccnp = policy(`
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata: { name: a-from-b }
      spec:
        endpointSelector: { matchLabels: { pod: a } }
        ingress:
          - fromEndpoints: [{ matchLabels: { pod: b } }]
    `);
    assertMatrix(reachabilityMatrix([ccnp], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  X   .   .   X   .   .   X   .   .
      x/b  .   .   .   .   .   .   .   .   .
      x/c  X   .   .   X   .   .   X   .   .
      y/a  X   .   .   X   .   .   X   .   .
      y/b  .   .   .   .   .   .   .   .   .
      y/c  X   .   .   X   .   .   X   .   .
      z/a  X   .   .   X   .   .   X   .   .
      z/b  .   .   .   .   .   .   .   .   .
      z/c  X   .   .   X   .   .   X   .   .
    `);
  });

  it('combines several specs and NotIn namespace subjects', () => {
    const ccnp = policy(`
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata: { name: outside-x-only-same-namespace }
      specs:
        - endpointSelector:
            matchExpressions: [{ key: io.kubernetes.pod.namespace, operator: NotIn, values: [x] }]
          ingress:
            - fromEndpoints:
                - matchExpressions: [{ key: io.kubernetes.pod.namespace, operator: In, values: [y] }]
        - endpointSelector: { matchLabels: { "k8s:io.kubernetes.pod.namespace": z } }
          ingress:
            - fromEndpoints: [{ matchLabels: { io.kubernetes.pod.namespace: z } }]
    `);
    assertMatrix(reachabilityMatrix([ccnp], PODS, 80, 'TCP'), `
          x/a x/b x/c y/a y/b y/c z/a z/b z/c
      x/a  .   .   .   X   X   X   X   X   X
      x/b  .   .   .   X   X   X   X   X   X
      x/c  .   .   .   X   X   X   X   X   X
      y/a  .   .   .   .   .   .   .   .   .
      y/b  .   .   .   .   .   .   .   .   .
      y/c  .   .   .   .   .   .   .   .   .
      z/a  .   .   .   X   X   X   .   .   .
      z/b  .   .   .   X   X   X   .   .   .
      z/c  .   .   .   X   X   X   .   .   .
    `);
  });
});
