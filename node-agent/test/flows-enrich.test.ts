import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { policyRuleId } from '@netledger/datapath';
import { ClusterView } from '../src/desired/cluster-view.js';
import { enrichFlow, tcpFlagNames } from '../src/flows/enrich-flow.js';
import { FlowContext } from '../src/flows/flow-context.js';
import { ClusterEvents, podIdentityLabels, policyOf } from './support/cluster-events.js';
import { FakeClocks, flowRecord } from './support/flow-records.js';

const NS = 'connectivity-check';
const BOOT = Date.parse('2026-11-29T17:00:00.000Z');

const allowA = policyOf({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumNetworkPolicy',
  metadata: { name: 'pod-to-a-allowed-cnp', namespace: NS },
  spec: {
    endpointSelector: { matchLabels: { name: 'client-allowed' } },
    egress: [{ toEndpoints: [{ matchLabels: { name: 'echo-a' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }],
  },
});
const onlyB = policyOf({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumNetworkPolicy',
  metadata: { name: 'pod-to-a-denied-cnp', namespace: NS },
  spec: { endpointSelector: { matchLabels: { name: 'client-denied' } }, egress: [{ toEndpoints: [{ matchLabels: { name: 'echo-b' } }] }] },
});
const ingressDeny = policyOf({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumNetworkPolicy',
  metadata: { name: 'deny-from-denied', namespace: NS },
  spec: { endpointSelector: { matchLabels: { name: 'echo-a' } }, ingressDeny: [{ fromEndpoints: [{ matchLabels: { name: 'client-denied' } }] }] },
});

/** A small cluster: two clients, echo-a behind a ClusterIP and a NodePort, the three policies above. */
function cluster(): { view: ClusterView; context: FlowContext; ev: ClusterEvents; apply: (e: ReturnType<ClusterEvents['endpoint']>) => void } {
  const ev = new ClusterEvents();
  const view = new ClusterView();
  const context = new FlowContext(view.identities);
  const apply = (e: ReturnType<ClusterEvents['endpoint']>): void => {
    view.apply(e);
    context.apply(e);
  };
  for (const e of ev.reservedIdentities()) apply(e);
  const pods = [
    { pod: 'client-allowed-7c9', name: 'client-allowed', ip: '10.231.0.10', identity: 256 },
    { pod: 'client-denied-5f2', name: 'client-denied', ip: '10.231.0.11', identity: 257 },
    { pod: 'echo-a-6d8', name: 'echo-a', ip: '10.231.0.20', identity: 258 },
  ];
  for (const p of pods) {
    apply(ev.identity(p.identity, 'cluster', podIdentityLabels(NS, { name: p.name })));
    apply(ev.endpoint({ namespace: NS, pod: p.pod, node: 'n1', ips: [p.ip], identity: p.identity }));
  }
  apply(ev.cidrIdentity(16777217, '198.51.100.0/24'));
  apply(ev.service({ serviceId: 1, namespace: NS, name: 'echo-a', frontends: [{ id: 1, type: 'ClusterIP', ip: '10.96.0.5', port: 8080 }, { id: 2, type: 'NodePort', ip: '0.0.0.0', port: 30080 }] }));
  for (const p of [allowA, onlyB, ingressDeny]) apply(ev.policyAccepted(p));
  return { view, context, ev, apply };
}

describe('enrichFlow', () => {
  it('names both pods, their identities and labels, the service, and the allowing rule', () => {
    const { context } = cluster();
    const clock = new FakeClocks(BOOT).clock();
    const record = flowRecord({
      seq: 42n,
      timeNs: 3_600_000_000_000n + 123_000_000n,
      srcIp: '10.231.0.10',
      dstIp: '10.231.0.20',
      srcIdentity: 256,
      dstIdentity: 258,
      serviceIp: '10.96.0.5',
      servicePort: 8080,
      ruleId: policyRuleId(`${NS}/pod-to-a-allowed-cnp`, 'spec.egress[0]'),
    });
    const flow = enrichFlow(record, 'n1', context, clock);
    assert.deepEqual(flow, {
      seq: '42',
      time: '2026-11-29T18:00:00.123Z',
      node: 'n1',
      verdict: 'FORWARDED',
      observation: 'from-pod',
      direction: 'egress',
      isReply: false,
      ip: { source: '10.231.0.10', destination: '10.231.0.20' },
      l4: { protocol: 'TCP', sourcePort: 41234, destinationPort: 8080, tcpFlags: ['SYN'] },
      source: { identity: 256, namespace: NS, pod: 'client-allowed-7c9', labels: podIdentityLabels(NS, { name: 'client-allowed' }) },
      destination: { identity: 258, namespace: NS, pod: 'echo-a-6d8', labels: podIdentityLabels(NS, { name: 'echo-a' }) },
      service: { namespace: NS, name: 'echo-a', address: '10.96.0.5:8080' },
      policy: { ref: `CiliumNetworkPolicy/${NS}/pod-to-a-allowed-cnp`, rule: 'spec.egress[0]', action: 'allow', ruleId: record.ruleId },
      summary: 'TCP Flags: SYN',
    });
  });

  it("names the policy whose default deny dropped a connection (rule id 0): the source's for egress", () => {
    const { context } = cluster();
    const flow = enrichFlow(
      flowRecord({ verdict: 'DROPPED', dropReason: 'policy-denied', srcIp: '10.231.0.11', dstIp: '10.231.0.20', srcIdentity: 257, dstIdentity: 258, ruleId: 0 }),
      'n1',
      context,
      new FakeClocks(BOOT).clock(),
    );
    assert.equal(flow.verdict, 'DROPPED');
    assert.equal(flow.dropReason, 'policy-denied');
    assert.deepEqual(flow.policy, { ref: `CiliumNetworkPolicy/${NS}/pod-to-a-denied-cnp`, rule: '(default deny)', action: 'deny' });
  });

  it("names the destination's default-deny policy for an ingress drop, and a deny rule by its id", () => {
    const { context, apply, ev } = cluster();
    const clock = new FakeClocks(BOOT).clock();
    const denyRule = policyRuleId(`${NS}/deny-from-denied`, 'spec.ingressDeny[0]');
    const byRule = enrichFlow(
      flowRecord({ observation: 'to-pod', direction: 'ingress', verdict: 'DROPPED', dropReason: 'policy-deny-rule', srcIp: '10.231.0.11', dstIp: '10.231.0.20', srcIdentity: 257, dstIdentity: 258, ruleId: denyRule }),
      'n1',
      context,
      clock,
    );
    assert.deepEqual(byRule.policy, { ref: `CiliumNetworkPolicy/${NS}/deny-from-denied`, rule: 'spec.ingressDeny[0]', action: 'deny', ruleId: denyRule });
    // An ingress policy-denied on echo-a: only an ingress default deny names a policy.
    const ingressDrop = flowRecord({ observation: 'to-pod', direction: 'ingress', verdict: 'DROPPED', dropReason: 'policy-denied', srcIdentity: 256, dstIdentity: 258, dstIp: '10.231.0.20' });
    assert.deepEqual(enrichFlow(ingressDrop, 'n1', context, clock).policy, { ref: `CiliumNetworkPolicy/${NS}/deny-from-denied`, rule: '(default deny)', action: 'deny' });
    // The policy goes: the answer follows (the cache is dropped with it).
    apply(ev.policyDeleted(ingressDeny));
    assert.equal(enrichFlow(ingressDrop, 'n1', context, clock).policy, undefined);
    assert.equal(context.rule(denyRule), undefined);
  });

  it('shows reserved and CIDR identities, NodePort services and UDP/ICMP summaries', () => {
    const { context } = cluster();
    const clock = new FakeClocks(BOOT).clock();
    const world = enrichFlow(flowRecord({ srcIp: '10.231.0.10', srcIdentity: 256, dstIp: '203.0.113.9', dstIdentity: 2, protocol: 'UDP', tcpFlags: 0 }), 'n1', context, clock);
    assert.deepEqual(world.destination, { identity: 2, labels: ['reserved:world'], reserved: 'world' });
    assert.equal(world.summary, 'UDP');
    assert.equal(world.l4.tcpFlags, undefined);
    const cidr = enrichFlow(flowRecord({ dstIp: '198.51.100.10', dstIdentity: 16777217 }), 'n1', context, clock);
    assert.deepEqual(cidr.destination, { identity: 16777217, labels: ['cidr:198.51.100.0/24'] });
    const nodePort = enrichFlow(flowRecord({ serviceIp: '192.168.1.5', servicePort: 30080, dstIp: '10.231.0.20', dstIdentity: 258 }), 'n1', context, clock);
    assert.deepEqual(nodePort.service, { namespace: NS, name: 'echo-a', address: '192.168.1.5:30080' });
    const icmp = enrichFlow(flowRecord({ protocol: 'ICMP', tcpFlags: 0 }), 'n1', context, clock);
    assert.equal(icmp.summary, 'ICMP');
    const host = enrichFlow(flowRecord({ observation: 'host-socket', srcIp: '0.0.0.0', srcIdentity: 1 }), 'n1', context, clock);
    assert.deepEqual(host.source, { identity: 1, labels: ['reserved:host'], reserved: 'host' });
  });

  it('knows nothing it was not told, and follows pods that move and go', () => {
    const { context, apply, ev } = cluster();
    const clock = new FakeClocks(BOOT).clock();
    const unknown = enrichFlow(flowRecord({ srcIp: '10.9.9.9', srcIdentity: 999, ruleId: 12345 }), 'n1', context, clock);
    assert.deepEqual(unknown.source, { identity: 999 });
    assert.equal(unknown.policy, undefined);
    // The pod gets a new address; the old one is no longer it.
    apply(ev.endpoint({ namespace: NS, pod: 'echo-a-6d8', node: 'n1', ips: ['10.231.0.21'], identity: 258 }));
    assert.equal(context.endpointByIp('10.231.0.20'), undefined);
    assert.equal(context.endpointByIp('10.231.0.21')?.pod, 'echo-a-6d8');
    // A removal of an older incarnation leaves it; its own removal takes it.
    apply(ev.endpointRemoved({ namespace: NS, pod: 'echo-a-6d8', node: 'n1', ips: ['10.231.0.21'], identity: 258, uid: 'older' }));
    assert.equal(context.endpointByIp('10.231.0.21')?.pod, 'echo-a-6d8');
    apply(ev.endpointRemoved({ namespace: NS, pod: 'echo-a-6d8', node: 'n1', ips: ['10.231.0.21'], identity: 258 }));
    assert.equal(context.endpointByIp('10.231.0.21'), undefined);
    // A service gone no longer names its frontends.
    apply(ev.serviceDeleted(1));
    assert.equal(context.serviceByFrontend('10.96.0.5', 8080, 'TCP'), undefined);
  });

  it('forgets a stream on reset, and ignores events it cannot read', () => {
    const { context } = cluster();
    context.apply({ ...new ClusterEvents().policyAccepted(allowA), data: { rules: 'not a list' } } as never);
    assert.equal(context.summary().policies, 3);
    context.reset('policy');
    assert.deepEqual(context.summary(), { endpoints: 3, frontends: 2, rules: 0, policies: 0 });
    context.reset('identity');
    context.reset('lb');
    assert.deepEqual(context.summary(), { endpoints: 0, frontends: 0, rules: 0, policies: 0 });
  });
});

describe('tcpFlagNames', () => {
  it('lists the flags set, SYN and ACK first as Hubble does', () => {
    assert.deepEqual(tcpFlagNames(0x12), ['SYN', 'ACK']);
    assert.deepEqual(tcpFlagNames(0x11), ['ACK', 'FIN']);
    assert.deepEqual(tcpFlagNames(0xff), ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR']);
    assert.deepEqual(tcpFlagNames(0), []);
  });
});
