import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createPolicyEvaluator,
  evaluate,
  evaluateByLabels,
  formatVerdict,
  InvalidPolicyDataError,
  InvalidQueryError,
  peerIdentity,
  reachabilityMatrix,
  reservedLabels,
  securityLabels,
  type L4Protocol,
  type NormalizedPolicy,
} from '@netledger/policy-engine';
import { PODS, pod, policies, policy } from './support/netpol-model.js';

const denyAll = policy(`
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: { name: deny-all, namespace: x }
  spec: { podSelector: {} }
`);

const allowWeb = policy(`
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: { name: allow-web, namespace: x }
  spec:
    podSelector: { matchLabels: { pod: a } }
    ingress:
      - from: [{ namespaceSelector: { matchLabels: { ns: z } } }]
        ports: [{ port: 81 }]
      - from: [{ namespaceSelector: { matchLabels: { ns: y } } }]
`);

const denyFromYb = policy(`
  apiVersion: cilium.io/v2
  kind: CiliumNetworkPolicy
  metadata: { name: no-y-b, namespace: x }
  specs:
    - endpointSelector: { matchLabels: { pod: c } }
      egress: [{ toEntities: [all] }]
    - endpointSelector: { matchLabels: { pod: a } }
      ingressDeny:
        - fromEndpoints: [{ matchLabels: { "k8s:io.kubernetes.pod.namespace": y, pod: b } }]
`);

describe('verdicts name the rules that decided', () => {
  it('names the default-deny policy', () => {
    const verdict = evaluate([denyAll], { src: pod('y/a'), dst: pod('x/b'), port: 80, protocol: 'TCP' });
    assert.deepEqual(verdict, {
      verdict: 'DENIED',
      rules: [{ effect: 'default-deny', kind: 'NetworkPolicy', policy: 'x/deny-all', direction: 'ingress', source: 'spec' }],
    });
  });

  it('names the allow rule and the open egress side', () => {
    const verdict = evaluate([denyAll, allowWeb], { src: pod('y/b'), dst: pod('x/a'), port: 80, protocol: 'TCP' });
    assert.deepEqual(verdict, {
      verdict: 'ALLOWED',
      rules: [
        { effect: 'default-allow', direction: 'egress' },
        { effect: 'allow', kind: 'NetworkPolicy', policy: 'x/allow-web', direction: 'ingress', ruleIndex: 1, source: 'spec.ingress[1]' },
      ],
    });
    assert.equal(
      formatVerdict(verdict),
      'ALLOWED\n  egress: no policy applies (default allow)\n  NetworkPolicy x/allow-web ingress rule 1 (spec.ingress[1]): allow',
    );
  });

  it('names every policy that default-denies, and only the port-matching rules', () => {
    const onPort = evaluate([denyAll, allowWeb], { src: pod('z/c'), dst: pod('x/a'), port: 81, protocol: 'TCP' });
    assert.equal(onPort.verdict, 'ALLOWED');
    assert.deepEqual(onPort.rules.map((r) => r.effect === 'allow' ? r.source : r.effect), ['default-allow', 'spec.ingress[0]']);
    const offPort = evaluate([denyAll, allowWeb], { src: pod('z/c'), dst: pod('x/a'), port: 80, protocol: 'TCP' });
    assert.deepEqual(offPort.rules.map((r) => r.effect === 'default-deny' ? r.policy : r.effect), ['x/deny-all', 'x/allow-web']);
  });

  it('lets a deny rule in specs[] win over allows, naming it by its path', () => {
    const verdict = evaluate([allowWeb, denyFromYb], { src: pod('y/b'), dst: pod('x/a'), port: 80, protocol: 'TCP' });
    assert.deepEqual(verdict, {
      verdict: 'DENIED',
      rules: [{ effect: 'deny', kind: 'CiliumNetworkPolicy', policy: 'x/no-y-b', direction: 'ingress', ruleIndex: 0, source: 'specs[1].ingressDeny[0]' }],
    });
  });

  it('reports both sides when both deny', () => {
    const egressLock = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: no-egress, namespace: y }
      spec: { podSelector: {}, policyTypes: [Egress] }
    `);
    const verdict = evaluate([denyAll, egressLock], { src: pod('y/a'), dst: pod('x/a'), port: 80, protocol: 'TCP' });
    assert.deepEqual(verdict.rules.map((r) => r.direction), ['egress', 'ingress']);
  });
});

describe('peers that are not pods', () => {
  it('treats an address as the pod that owns it, else as the world', () => {
    const evaluator = createPolicyEvaluator([allowWeb], { cluster: { endpoints: PODS, hostIps: ['10.0.0.1'] } });
    const yb = pod('y/b');
    const fromIp = (ip: string) => evaluator.evaluate({ src: { kind: 'ip', ip }, dst: pod('x/a'), port: 80, protocol: 'TCP' }).verdict;
    assert.equal(fromIp(yb.ips[0]!), 'ALLOWED');
    assert.equal(fromIp(yb.ips[1]!), 'ALLOWED');
    assert.equal(fromIp(pod('x/b').ips[0]!), 'DENIED');
    assert.equal(fromIp('10.0.0.1'), 'DENIED');
    assert.equal(fromIp('8.8.8.8'), 'DENIED');
    assert.deepEqual(peerIdentity({ kind: 'ip', ip: '10.0.0.1' }, { hostIps: ['10.0.0.1'] }).labels, reservedLabels('host'));
    assert.deepEqual(peerIdentity({ kind: 'ip', ip: '8.8.8.8' }).labels, reservedLabels('world'));
  });

  it('gives a node address to the node even when a host-network pod reports it, and merges node and API server', () => {
    const fromApi = policy(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: { name: from-api, namespace: x }
      spec:
        endpointSelector: {}
        ingress: [{ fromEntities: [kube-apiserver] }]
    `);
    const hostNetworkPod = { ...pod('y/a'), name: 'agent', ips: ['10.0.0.1'] };
    const cluster = { endpoints: [...PODS, hostNetworkPod], hostIps: ['10.0.0.1'], kubeApiServerIps: ['10.0.0.1', '10.0.0.9'] };
    assert.deepEqual(peerIdentity({ kind: 'ip', ip: '10.0.0.1' }, cluster).labels, { 'reserved:host': '', 'reserved:kube-apiserver': '' });
    const evaluator = createPolicyEvaluator([fromApi], { cluster });
    const from = (ip: string) => evaluator.evaluate({ src: { kind: 'ip', ip }, dst: pod('x/a'), port: 443, protocol: 'TCP' }).verdict;
    assert.equal(from('10.0.0.1'), 'ALLOWED');
    assert.equal(from('10.0.0.9'), 'ALLOWED');
    assert.equal(from('10.0.0.2'), 'DENIED');
  });

  it('lets Cilium selectors name reserved identities with the reserved: source', () => {
    const fromHost = policy(`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: { name: from-host, namespace: x }
      spec:
        endpointSelector: {}
        ingress: [{ fromEndpoints: [{ matchLabels: { "reserved:host": "" } }] }]
    `);
    const from = (src: Parameters<typeof evaluate>[1]['src']) => evaluate([fromHost], { src, dst: pod('x/b'), port: 80, protocol: 'TCP' }).verdict;
    assert.equal(from({ kind: 'entity', entity: 'host' }), 'ALLOWED');
    assert.equal(from({ kind: 'entity', entity: 'remote-node' }), 'DENIED');
    assert.equal(from(pod('x/a')), 'DENIED');
  });

  it('leaves flows from the world open when no policy selects the destination', () => {
    assert.equal(evaluate([allowWeb], { src: { kind: 'ip', ip: '8.8.8.8' }, dst: pod('x/b'), port: 80, protocol: 'TCP' }).verdict, 'ALLOWED');
  });

  it('applies ipBlock to world addresses with except, for IPv4 and IPv6', () => {
    const block = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: from-net, namespace: x }
      spec:
        podSelector: {}
        ingress:
          - from:
              - ipBlock: { cidr: 198.51.100.0/24, except: [198.51.100.64/26] }
              - ipBlock: { cidr: "2001:db8:aa::/48", except: ["2001:db8:aa:ff::/64"] }
    `);
    const from = (ip: string) => evaluate([block], { src: { kind: 'ip', ip }, dst: pod('x/c'), port: 80, protocol: 'TCP' }).verdict;
    assert.equal(from('198.51.100.1'), 'ALLOWED');
    assert.equal(from('198.51.100.64'), 'DENIED');
    assert.equal(from('198.51.100.128'), 'ALLOWED');
    assert.equal(from('198.51.101.1'), 'DENIED');
    assert.equal(from('2001:db8:aa:1::9'), 'ALLOWED');
    assert.equal(from('2001:db8:aa:ff::9'), 'DENIED');
    assert.equal(from('::ffff:198.51.100.1'), 'DENIED');
  });

  it('lets egress to the world be limited to ports', () => {
    const egress = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: web-out, namespace: x }
      spec:
        podSelector: {}
        policyTypes: [Egress]
        egress:
          - to: [{ ipBlock: { cidr: 0.0.0.0/0 } }]
            ports: [{ port: 443 }]
    `);
    const out = (ip: string, port: number, protocol: L4Protocol = 'TCP') => evaluate([egress], { src: pod('x/a'), dst: { kind: 'ip', ip }, port, protocol }).verdict;
    assert.equal(out('1.1.1.1', 443), 'ALLOWED');
    assert.equal(out('1.1.1.1', 443, 'UDP'), 'DENIED');
    assert.equal(out('1.1.1.1', 80), 'DENIED');
    assert.equal(out('2606:4700::1111', 443), 'DENIED');
  });
});

describe('identity-level evaluation', () => {
  const all = [
    denyAll,
    allowWeb,
    denyFromYb,
    ...policies(`
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata: { name: b-named }
      spec:
        endpointSelector: { matchLabels: { pod: b } }
        ingress:
          - fromEndpoints: [{ matchExpressions: [{ key: pod, operator: NotIn, values: [b] }] }]
            toPorts: [{ ports: [{ port: serve-81-udp, protocol: ANY }] }]
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: z-egress, namespace: z }
      spec:
        podSelector: { matchLabels: { pod: c } }
        egress:
          - to: [{ namespaceSelector: {}, podSelector: { matchLabels: { pod: a } } }]
            ports: [{ port: 80, endPort: 81, protocol: UDP }]
    `.replace(/^ {6}/gm, '')),
  ];

  it('gives the same verdict by label set as by pod, for the whole matrix', () => {
    for (const [port, protocol] of [[80, 'TCP'], [81, 'TCP'], [80, 'UDP'], [81, 'UDP'], [81, 'SCTP']] as const) {
      for (const src of PODS) {
        for (const dst of PODS) {
          const byPod = evaluate(all, { src, dst, port, protocol });
          const byLabels = evaluateByLabels(all, {
            src: { labels: securityLabels(src), ips: src.ips },
            dst: { labels: securityLabels(dst), ips: dst.ips, namedPorts: dst.namedPorts },
            port,
            protocol,
          });
          assert.deepEqual(byLabels, byPod, `${src.namespace}/${src.name} -> ${dst.namespace}/${dst.name} on ${port}/${protocol}`);
        }
      }
    }
  });

  it('gives the same matrix after the policies travel as JSON (as they do in events)', () => {
    const travelled = JSON.parse(JSON.stringify(all)) as NormalizedPolicy[];
    assert.deepEqual(travelled, all);
    for (const port of [80, 81]) {
      assert.deepEqual(reachabilityMatrix(travelled, PODS, port, 'UDP'), reachabilityMatrix(all, PODS, port, 'UDP'));
    }
  });

  it('normalizes equivalent manifests to equal policies', () => {
    const a = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: same, namespace: x }
      spec:
        podSelector: { matchLabels: { b: "2", a: "1" } }
        ingress: [{ from: [{ ipBlock: { cidr: 10.9.8.7/8 } }] }]
    `);
    const b = policy(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: same, namespace: x }
      spec:
        podSelector:
          matchExpressions: [{ key: a, operator: In, values: ["1"] }]
          matchLabels: { b: "2" }
        ingress: [{ from: [{ ipBlock: { cidr: 10.0.0.0/8 } }] }]
    `);
    assert.deepEqual(a, b);
  });
});

describe('bad queries and bad policy data', () => {
  it('throws InvalidQueryError naming the field', () => {
    assert.throws(() => evaluate([], { src: pod('x/a'), dst: pod('x/b'), port: 0, protocol: 'TCP' }), (e: unknown) => e instanceof InvalidQueryError && e.field === 'port');
    assert.throws(() => evaluate([], { src: pod('x/a'), dst: pod('x/b'), port: 80, protocol: 'ICMP' as L4Protocol }), (e: unknown) => e instanceof InvalidQueryError && e.field === 'protocol');
    assert.throws(() => evaluate([], { src: { kind: 'ip', ip: '1.2.3' }, dst: pod('x/b'), port: 80, protocol: 'TCP' }), (e: unknown) => e instanceof InvalidQueryError && e.field === 'src.ip');
  });

  it('throws InvalidPolicyDataError for a normalized policy parsePolicy could not have produced', () => {
    const corrupt: NormalizedPolicy = {
      ...allowWeb,
      subjects: [{ source: 'spec', selector: { requirements: [] }, egress: null, ingress: { defaultDeny: true, rules: [{ direction: 'ingress', effect: 'allow', index: 0, source: 'spec.ingress[0]', peers: [{ kind: 'cidr', cidr: 'bogus', except: [] }], ports: null }] } }],
    };
    assert.throws(() => createPolicyEvaluator([corrupt]), (e: unknown) => e instanceof InvalidPolicyDataError && e.field === 'spec.ingress[0].peers[0].cidr');
  });
});
