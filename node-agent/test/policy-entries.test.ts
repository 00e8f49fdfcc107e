import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NormalizedPolicy } from '@netledger/policy-engine';
import { policyRuleId, type PolicyKey, type PolicyValue } from '@netledger/datapath';
import { NodeDesiredState } from '../src/desired/node-desired-state.js';
import { ClusterEvents, podIdentityLabels, policyOf, type PodSpec } from './support/cluster-events.js';

const TCP = 6;
const UDP = 17;
const SCTP = 132;
const CIDR_10 = 0x1000001;
const CIDR_10_1 = 0x1000002;

// x/a (256) and x/b (257) on n1; y/a (258) and y/b (259) on n2.
const PODS: PodSpec[] = [
  { namespace: 'x', pod: 'a', node: 'n1', ips: ['10.0.1.1', 'fd00::1:1'], identity: 256, namedPorts: [{ name: 'web', port: 8080, protocol: 'TCP' }] },
  { namespace: 'x', pod: 'b', node: 'n1', ips: ['10.0.1.2'], identity: 257 },
  { namespace: 'y', pod: 'a', node: 'n2', ips: ['10.0.2.1'], identity: 258, namedPorts: [{ name: 'web', port: 9090, protocol: 'TCP' }] },
  { namespace: 'y', pod: 'b', node: 'n2', ips: ['10.0.2.2'], identity: 259 },
];

class Fixture {
  readonly ev = new ClusterEvents();
  readonly state = new NodeDesiredState({ nodeName: 'n1' });

  constructor() {
    for (const e of this.ev.reservedIdentities()) this.state.apply(e);
    this.state.apply(this.ev.cidrIdentity(CIDR_10, '10.0.0.0/8'));
    this.state.apply(this.ev.cidrIdentity(CIDR_10_1, '10.1.0.0/16'));
    for (const p of PODS) {
      this.state.apply(this.ev.identity(p.identity, 'cluster', podIdentityLabels(p.namespace, { pod: p.pod }, { ns: p.namespace })));
      this.state.apply(this.ev.endpoint(p));
    }
  }

  accept(...policies: NormalizedPolicy[]): this {
    for (const p of policies) this.state.apply(this.ev.policyAccepted(p));
    return this;
  }

  /** The policy map of a local pod as `dir identity proto/port/len -> action ruleId` lines, sorted. */
  entries(pod: string): string[] {
    const ep = this.state.endpoints.get({ ip: PODS.find((p) => `${p.namespace}/${p.pod}` === pod)!.ips[0]! });
    assert.ok(ep, `${pod} has an endpoint entry`);
    return [...this.state.policyTable(ep.endpointId)!.entries()].map((e) => line(e.key, e.value)).sort();
  }

  flags(pod: string): number {
    return this.state.endpoints.get({ ip: PODS.find((p) => `${p.namespace}/${p.pod}` === pod)!.ips[0]! })!.flags;
  }
}

function line(k: PolicyKey, v: PolicyValue): string {
  const where = k.prefixLength === 8 ? 'default' : k.prefixLength === 64 ? `${k.identity} any` : `${k.identity} ${k.protocol}/${k.port}/${k.prefixLength}`;
  return `${k.direction} ${where} -> ${v.action} ${v.ruleId}${v.flags ? ` flags ${v.flags}` : ''}`;
}

const np = (namespace: string, name: string, spec: unknown): NormalizedPolicy =>
  policyOf({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
const cnp = (namespace: string, name: string, spec: unknown): NormalizedPolicy =>
  policyOf({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace }, spec });

describe('policy entries of local endpoints', () => {
  it('deny-all: only the ingress default entry, and the endpoint is ingress-enforced', () => {
    const f = new Fixture().accept(np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }));
    assert.deepEqual(f.entries('x/a'), ['ingress default -> deny 0 flags 1']);
    assert.deepEqual(f.entries('x/b'), ['ingress default -> deny 0 flags 1']);
    assert.equal(f.flags('x/a'), 0x01);
  });

  it('allow from a namespace: one any-port entry per identity of the namespace', () => {
    const p = np('x', 'from-y', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] });
    const f = new Fixture().accept(p);
    const id = policyRuleId('x/from-y', 'spec.ingress[0]');
    assert.deepEqual(f.entries('x/a'), ['ingress 258 any -> allow ' + id, 'ingress 259 any -> allow ' + id, 'ingress default -> deny 0 flags 1']);
    assert.equal(f.flags('x/b'), 0, 'x/b is not selected');
  });

  it('port ranges become aligned blocks; ANY protocol becomes one entry per protocol', () => {
    const p = cnp('x', 'ranges', {
      endpointSelector: { matchLabels: { pod: 'a' } },
      ingress: [{ fromEndpoints: [{ matchLabels: { pod: 'b' } }], toPorts: [{ ports: [{ port: '80', endPort: 90, protocol: 'TCP' }, { port: '53', protocol: 'ANY' }] }] }],
    });
    const id = policyRuleId('x/ranges', 'spec.ingress[0]');
    assert.deepEqual(new Fixture().accept(p).entries('x/a'), [
      `ingress 257 ${SCTP}/53/96 -> allow ${id}`,
      `ingress 257 ${TCP}/53/96 -> allow ${id}`,
      `ingress 257 ${TCP}/80/93 -> allow ${id}`,
      `ingress 257 ${TCP}/88/95 -> allow ${id}`,
      `ingress 257 ${TCP}/90/96 -> allow ${id}`,
      `ingress 257 ${UDP}/53/96 -> allow ${id}`,
      'ingress default -> deny 0 flags 1',
    ].sort());
  });

  it('named ports: ingress resolves against the local endpoint, egress against the peer identity; undeclared names match nothing', () => {
    const p = cnp('x', 'named', {
      endpointSelector: { matchLabels: { pod: 'a' } },
      ingress: [{ fromEndpoints: [{ matchLabels: { pod: 'b' } }], toPorts: [{ ports: [{ port: 'web' }, { port: 'nobody' }] }] }],
      egress: [{ toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'y' } }], toPorts: [{ ports: [{ port: 'web' }] }] }],
    });
    const f = new Fixture().accept(p);
    const ing = policyRuleId('x/named', 'spec.ingress[0]');
    const eg = policyRuleId('x/named', 'spec.egress[0]');
    assert.deepEqual(f.entries('x/a'), [
      `egress 258 ${TCP}/9090/96 -> allow ${eg}`,
      'egress default -> deny 0 flags 1',
      `ingress 257 ${TCP}/8080/96 -> allow ${ing}`,
      'ingress default -> deny 0 flags 1',
    ]);
    // y/b starts declaring "web": the egress rule now reaches it on that port, and only that entry changes.
    const table = f.state.policyTable(f.state.endpoints.get({ ip: '10.0.1.1' })!.endpointId)!;
    table.takeChanges();
    f.state.apply(f.ev.endpoint({ ...PODS[3]!, namedPorts: [{ name: 'web', port: 7070, protocol: 'TCP' }] }));
    const changes = table.takeChanges();
    assert.deepEqual(changes.upserts.map((e) => line(e.key, e.value)), [`egress 259 ${TCP}/7070/96 -> allow ${eg}`]);
    assert.deepEqual(changes.deletes, []);
  });

  it('an egress named port with no peer list reaches every identity declaring it', () => {
    const p = cnp('x', 'any-web', { endpointSelector: { matchLabels: { pod: 'b' } }, egress: [{ toPorts: [{ ports: [{ port: 'web', protocol: 'TCP' }] }] }] });
    const eg = policyRuleId('x/any-web', 'spec.egress[0]');
    assert.deepEqual(new Fixture().accept(p).entries('x/b'), [
      `egress 256 ${TCP}/8080/96 -> allow ${eg}`,
      `egress 258 ${TCP}/9090/96 -> allow ${eg}`,
      'egress default -> deny 0 flags 1',
    ]);
  });

  it('ipBlock with except selects the CIDR identities inside it and outside the except', () => {
    const p = np('x', 'ipblock', {
      podSelector: { matchLabels: { pod: 'a' } },
      ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
    });
    const id = policyRuleId('x/ipblock', 'spec.ingress[0]');
    const f = new Fixture().accept(p);
    assert.deepEqual(f.entries('x/a'), [`ingress ${CIDR_10} any -> allow ${id}`, 'ingress default -> deny 0 flags 1']);
    // A new CIDR identity inside the block (another policy references 10.2.0.0/16) joins it.
    f.state.apply(f.ev.cidrIdentity(0x1000003, '10.2.0.0/16'));
    assert.deepEqual(f.entries('x/a'), [`ingress ${CIDR_10} any -> allow ${id}`, `ingress ${0x1000003} any -> allow ${id}`, 'ingress default -> deny 0 flags 1']);
    f.state.apply(f.ev.released(0x1000003));
    assert.deepEqual(f.entries('x/a'), [`ingress ${CIDR_10} any -> allow ${id}`, 'ingress default -> deny 0 flags 1']);
  });

  it('CNP entities: world is the world identity and every CIDR identity; cluster is pods, host and remote nodes', () => {
    const p = cnp('x', 'entities', { endpointSelector: { matchLabels: { pod: 'a' } }, ingress: [{ fromEntities: ['world'] }], egress: [{ toEntities: ['cluster'], toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }] }] }] });
    const ing = policyRuleId('x/entities', 'spec.ingress[0]');
    const eg = policyRuleId('x/entities', 'spec.egress[0]');
    assert.deepEqual(new Fixture().accept(p).entries('x/a'), [
      ...[1, 6, 256, 257, 258, 259].map((i) => `egress ${i} ${UDP}/53/96 -> allow ${eg}`),
      'egress default -> deny 0 flags 1',
      `ingress 2 any -> allow ${ing}`,
      `ingress ${CIDR_10} any -> allow ${ing}`,
      `ingress ${CIDR_10_1} any -> allow ${ing}`,
      'ingress default -> deny 0 flags 1',
    ].sort());
  });

  it('ingressDeny wins on the same key, and a broader deny turns a covered allow into a deny', () => {
    const p = cnp('x', 'deny-wins', {
      endpointSelector: { matchLabels: { pod: 'a' } },
      ingress: [{ fromEndpoints: [{ matchLabels: { pod: 'b' } }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }, { port: '443', protocol: 'TCP' }] }] }],
      ingressDeny: [{ fromEndpoints: [{ matchLabels: { pod: 'b' } }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }, { port: '64', endPort: 127, protocol: 'TCP' }] }] }],
    });
    const allow = policyRuleId('x/deny-wins', 'spec.ingress[0]');
    const deny = policyRuleId('x/deny-wins', 'spec.ingressDeny[0]');
    const f = new Fixture().accept(p);
    assert.deepEqual(f.entries('x/a'), [
      `ingress 257 ${TCP}/443/96 -> deny ${deny}`,
      `ingress 257 ${TCP}/64/90 -> deny ${deny}`,
      `ingress 257 ${TCP}/80/96 -> deny ${deny}`, // covered by 64-127
      'ingress default -> deny 0 flags 1',
    ]);
    // The deny goes: the allows come back as allows.
    f.accept(cnp('x', 'deny-wins', {
      endpointSelector: { matchLabels: { pod: 'a' } },
      ingress: [{ fromEndpoints: [{ matchLabels: { pod: 'b' } }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }, { port: '443', protocol: 'TCP' }] }] }],
    }));
    assert.deepEqual(f.entries('x/a'), [`ingress 257 ${TCP}/443/96 -> allow ${allow}`, `ingress 257 ${TCP}/80/96 -> allow ${allow}`, 'ingress default -> deny 0 flags 1']);
  });

  it('egress rules and egress default deny', () => {
    const p = np('x', 'egress', {
      podSelector: { matchLabels: { pod: 'b' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { pod: 'a' } } }], ports: [{ port: 8080 }] }],
    });
    const f = new Fixture().accept(p);
    assert.deepEqual(f.entries('x/b'), [`egress 256 ${TCP}/8080/96 -> allow ${policyRuleId('x/egress', 'spec.egress[0]')}`, 'egress default -> deny 0 flags 1']);
    assert.equal(f.flags('x/b'), 0x02);
  });

  it('a deleted policy leaves nothing behind; a rejected version leaves the accepted one in force', () => {
    const p = np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] });
    const f = new Fixture().accept(p);
    f.state.apply(f.ev.policyRejected(p));
    assert.deepEqual(f.entries('x/a'), ['ingress default -> deny 0 flags 1']);
    f.state.apply(f.ev.policyDeleted(p));
    assert.deepEqual(f.entries('x/a'), []);
    assert.equal(f.flags('x/a'), 0);
  });

  it('an identity change re-tests only that identity: the entries of other identities are not rewritten', () => {
    const p = np('x', 'from-all-ns', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] });
    const f = new Fixture().accept(p);
    const table = f.state.policyTable(f.state.endpoints.get({ ip: '10.0.1.1' })!.endpointId)!;
    table.takeChanges();
    f.state.apply(f.ev.identity(300, 'cluster', podIdentityLabels('z', { pod: 'q' })));
    const changes = table.takeChanges();
    assert.deepEqual(changes.upserts.map((e) => line(e.key, e.value)), [`ingress 300 any -> allow ${policyRuleId('x/from-all-ns', 'spec.ingress[0]')}`]);
    f.state.apply(f.ev.released(300));
    assert.deepEqual(table.takeChanges().deletes.map((c) => c.key.identity), [300]);
  });
});

describe('endpoint ids', () => {
  it('are the lowest free ids, freed when the endpoint goes, and the policy map goes with it', () => {
    const f = new Fixture();
    const idOf = (ip: string): number | undefined => f.state.endpoints.get({ ip })?.endpointId;
    assert.equal(idOf('10.0.1.1'), 1);
    assert.equal(idOf('fd00::1:1'), 1);
    assert.equal(idOf('10.0.1.2'), 2);
    f.state.takePolicyMapChanges();
    f.state.apply(f.ev.endpointRemoved(PODS[0]!));
    assert.equal(idOf('10.0.1.1'), undefined);
    assert.deepEqual(f.state.takePolicyMapChanges().removed, [1]);
    f.state.apply(f.ev.endpoint({ namespace: 'x', pod: 'c', node: 'n1', ips: ['10.0.1.3'], identity: 256 }));
    assert.equal(idOf('10.0.1.3'), 1);
  });

  it('come back from the endpoints map after a restart', () => {
    const f = new Fixture();
    f.state.seedEndpointIds([{ ip: '10.0.1.2', endpointId: 7 }, { ip: 'fd00:0::1:1', endpointId: 3 }]);
    assert.equal(f.state.endpoints.get({ ip: '10.0.1.1' })?.endpointId, 3);
    assert.equal(f.state.endpoints.get({ ip: '10.0.1.2' })?.endpointId, 7);
    assert.deepEqual(f.state.policyMapIds(), [3, 7]);
  });

  it('are kept across a re-bootstrap of the identity stream', () => {
    const f = new Fixture();
    f.state.seedEndpointIds([{ ip: '10.0.1.2', endpointId: 7 }]);
    f.state.reset('identity');
    const ev = new ClusterEvents();
    for (const e of ev.reservedIdentities()) f.state.apply(e);
    for (const p of [...PODS].reverse()) {
      f.state.apply(ev.identity(p.identity, 'cluster', podIdentityLabels(p.namespace, { pod: p.pod }, { ns: p.namespace })));
      f.state.apply(ev.endpoint(p));
    }
    assert.equal(f.state.endpoints.get({ ip: '10.0.1.1' })?.endpointId, 1);
    assert.equal(f.state.endpoints.get({ ip: '10.0.1.2' })?.endpointId, 7);
  });

  it('wait for a free id when all are taken', () => {
    const ev = new ClusterEvents();
    const state = new NodeDesiredState({ nodeName: 'n1', lastEndpointId: 1 });
    state.apply(ev.endpoint({ namespace: 'x', pod: 'a', node: 'n1', ips: ['10.0.1.1'], identity: 256 }));
    state.apply(ev.endpoint({ namespace: 'x', pod: 'b', node: 'n1', ips: ['10.0.1.2'], identity: 256 }));
    assert.equal(state.summary().endpointsWithoutId, 1);
    assert.equal(state.endpoints.get({ ip: '10.0.1.2' }), undefined);
    state.apply(ev.endpointRemoved({ namespace: 'x', pod: 'a', node: 'n1', ips: ['10.0.1.1'], identity: 256 }));
    assert.equal(state.endpoints.get({ ip: '10.0.1.2' })?.endpointId, 1);
    assert.equal(state.summary().endpointsWithoutId, 0);
  });
});
