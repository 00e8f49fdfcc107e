import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterView } from '../src/desired/cluster-view.js';
import { ClusterEvents, podIdentityLabels, policyOf } from './support/cluster-events.js';

const denyAll = policyOf({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'deny-all', namespace: 'x' },
  spec: { podSelector: {}, policyTypes: ['Ingress'] },
});

describe('ClusterView', () => {
  it('follows identities and endpoints, ignoring an event applied before', () => {
    const ev = new ClusterEvents();
    const view = new ClusterView();
    const allocated = ev.identity(256, 'cluster', podIdentityLabels('x', { app: 'web' }));
    assert.equal(view.apply(allocated).length, 1);
    assert.deepEqual(view.apply(allocated), []);
    const pod = { namespace: 'x', pod: 'a', node: 'n1', ips: ['10.0.0.1'], identity: 256, namedPorts: [{ name: 'http', port: 80, protocol: 'TCP' as const }] };
    view.apply(ev.endpoint(pod));
    assert.deepEqual(view.endpoints.get('x/a')?.namedPorts, [{ name: 'http', port: 80, protocol: 'TCP' }]);
    view.apply(ev.endpointRemoved({ ...pod, uid: 'an-older-pod' }));
    assert.ok(view.endpoints.has('x/a'), 'a removal of an older incarnation leaves the pod');
    view.apply(ev.endpointRemoved(pod));
    assert.equal(view.endpoints.size, 0);
    view.apply(ev.released(256));
    assert.equal(view.identities.size, 0);
  });

  it('keeps one copy of what many endpoints share: named port lists are shared, addresses canonical', () => {
    const ev = new ClusterEvents();
    const view = new ClusterView();
    const http = [{ name: 'http', port: 80, protocol: 'TCP' as const }];
    view.apply(ev.endpoint({ namespace: 'x', pod: 'a', node: 'n1', ips: ['fd00:0:0::1'], identity: 256, namedPorts: http }));
    view.apply(ev.endpoint({ namespace: 'x', pod: 'b', node: 'n1', ips: ['10.0.0.2'], identity: 256, namedPorts: [...http] }));
    const a = view.endpoints.get('x/a')!;
    const b = view.endpoints.get('x/b')!;
    assert.equal(a.namedPorts, b.namedPorts, 'one array for equal lists');
    assert.deepEqual(a.ips, ['fd00::1']);
    assert.deepEqual({ ...a, ips: a.ips }, { key: 'x/a', uid: 'uid-x-a', node: 'n1', ips: ['fd00::1'], identity: 256, namedPorts: http });
    view.apply(ev.endpoint({ namespace: 'x', pod: 'c', node: 'n1', ips: ['10.0.0.3', 'fd00::3'], identity: 256 }));
    assert.deepEqual(view.endpoints.get('x/c')!.ips, ['10.0.0.3', 'fd00::3']);
    view.apply(ev.endpoint({ namespace: 'x', pod: 'b', node: 'n1', ips: ['10.0.0.2'], identity: 256, namedPorts: [{ name: 'http', port: 8080, protocol: 'TCP' }] }));
    assert.notEqual(view.endpoints.get('x/b')!.namedPorts, a.namedPorts);
    assert.deepEqual(view.endpoints.get('x/a')!.namedPorts, http, 'a list another endpoint left stays');
  });

  it('keeps the last accepted policy in force after a rejection and drops it on deletion', () => {
    const ev = new ClusterEvents();
    const view = new ClusterView();
    const [accepted] = view.apply(ev.policyAccepted(denyAll));
    assert.deepEqual(accepted, { kind: 'policy', key: 'NetworkPolicy/x/deny-all', policy: denyAll });
    assert.deepEqual(view.apply(ev.policyRejected(denyAll)), []);
    assert.deepEqual([...view.policies], ['NetworkPolicy/x/deny-all']);
    const [change] = view.apply(ev.policyDeleted(denyAll));
    assert.equal(change?.kind, 'policy');
    assert.equal(view.policies.size, 0);
  });

  it('keys policies by kind too: a NetworkPolicy and a CiliumNetworkPolicy may share a name', () => {
    const ev = new ClusterEvents();
    const view = new ClusterView();
    const cnp = policyOf({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'deny-all', namespace: 'x' }, spec: { endpointSelector: {}, ingress: [{}] } });
    view.apply(ev.policyAccepted(denyAll));
    view.apply(ev.policyAccepted(cnp));
    assert.equal(view.policies.size, 2);
  });

  it('drops a deleted service with its backend memberships', () => {
    const ev = new ClusterEvents();
    const view = new ClusterView();
    view.apply(ev.service({ serviceId: 1, frontends: [{ id: 1, type: 'ClusterIP', ip: '10.96.0.1', port: 80 }] }));
    view.apply(ev.backend({ serviceId: 1, backendId: 5, ip: '10.0.0.5', port: 8080 }));
    view.apply(ev.backend({ serviceId: 1, backendId: 6, ip: '10.0.0.6', port: 8080 }));
    view.apply(ev.backendRemoved(1, 6));
    assert.deepEqual(view.backends.get(1)!.map((b) => [b.portName, b.backendId]), [['http', 5]]);
    view.apply(ev.serviceDeleted(1));
    assert.equal(view.services.size, 0);
    assert.equal(view.backends.size, 0);
  });

  it('reset forgets one stream, reports its records as removed and accepts its events again', () => {
    const ev = new ClusterEvents();
    const view = new ClusterView();
    const allocated = ev.identity(256, 'cluster', podIdentityLabels('x', { app: 'web' }));
    view.apply(allocated);
    view.apply(ev.endpoint({ namespace: 'x', pod: 'a', node: 'n1', ips: ['10.0.0.1'], identity: 256 }));
    view.apply(ev.policyAccepted(denyAll));
    const removed = view.reset('identity');
    assert.deepEqual(removed.map((c) => c.kind).sort(), ['endpoint', 'identity']);
    assert.equal(view.policies.size, 1, 'other streams are untouched');
    assert.equal(view.apply(allocated).length, 1, 'the stream replays from its start');
  });
});
