import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer, createNamespace, startTestServer } from './harness.js';

const SVC = '/api/v1/namespaces/s/services';

function service(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } };
}

describe('service addresses', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ serviceCidr: '10.96.0.0/28', nodePortRange: [30000, 30004] });
    await createNamespace(t, 's');
  });
  after(async () => t.close());

  it('allocates ClusterIPs from the CIDR after the kubernetes service, with defaults filled in', async () => {
    const res = await t.call('POST', SVC, service('a', {}));
    assert.equal(res.status, 201);
    assert.equal(res.body.spec.clusterIP, '10.96.0.2');
    assert.deepEqual(res.body.spec.clusterIPs, ['10.96.0.2']);
    assert.equal(res.body.spec.type, 'ClusterIP');
    assert.equal(res.body.spec.ports[0].protocol, 'TCP');
    assert.equal(res.body.spec.ports[0].targetPort, 80);
    assert.equal(res.body.spec.ports[0].nodePort, undefined);
  });

  it('honours a requested free ClusterIP; 422 when taken or outside the range', async () => {
    const ok = await t.call('POST', SVC, service('b', { clusterIP: '10.96.0.10' }));
    assert.equal(ok.body.spec.clusterIP, '10.96.0.10');
    const taken = await t.call('POST', SVC, service('c', { clusterIP: '10.96.0.10' }));
    assert.equal(taken.status, 422);
    assert.equal(taken.body.details.causes[0].field, 'spec.clusterIP');
    assert.match(taken.body.message, /already allocated/);
    const outside = await t.call('POST', SVC, service('c', { clusterIP: '10.97.0.1' }));
    assert.equal(outside.status, 422);
    assert.match(outside.body.message, /not in the valid range/);
  });

  it('headless services get no address', async () => {
    const res = await t.call('POST', SVC, service('headless', { clusterIP: 'None', ports: [] }));
    assert.equal(res.status, 201);
    assert.equal(res.body.spec.clusterIP, 'None');
  });

  it('ClusterIP is immutable; an update that omits it keeps it', async () => {
    const current = (await t.call('GET', `${SVC}/a`)).body;
    const changed = structuredClone(current);
    changed.spec.clusterIP = '10.96.0.11';
    const res = await t.call('PUT', `${SVC}/a`, changed);
    assert.equal(res.status, 422);
    assert.match(res.body.message, /immutable/);
    const omitted = structuredClone(current);
    delete omitted.spec.clusterIP;
    delete omitted.spec.clusterIPs;
    omitted.metadata.labels = { touched: 'yes' };
    const kept = await t.call('PUT', `${SVC}/a`, omitted);
    assert.equal(kept.status, 200);
    assert.equal(kept.body.spec.clusterIP, '10.96.0.2');
  });

  it('allocates NodePorts for NodePort and LoadBalancer services; requested ports honoured, conflicts 422', async () => {
    const np = await t.call('POST', SVC, service('np', { type: 'NodePort', ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30003 }] }));
    assert.equal(np.status, 201, JSON.stringify(np.body));
    assert.equal(np.body.spec.ports[0].nodePort, 30000);
    assert.equal(np.body.spec.ports[1].nodePort, 30003);
    const lb = await t.call('POST', SVC, service('lb', { type: 'LoadBalancer' }));
    assert.equal(lb.body.spec.ports[0].nodePort, 30001);
    const taken = await t.call('POST', SVC, service('np2', { type: 'NodePort', ports: [{ port: 81, nodePort: 30003 }] }));
    assert.equal(taken.status, 422);
    assert.equal(taken.body.details.causes[0].field, 'spec.ports[0].nodePort');
    const outside = await t.call('POST', SVC, service('np2', { type: 'NodePort', ports: [{ port: 81, nodePort: 31000 }] }));
    assert.equal(outside.status, 422);
    assert.match(outside.body.message, /30000-30004/);
    const forbidden = await t.call('POST', SVC, service('np2', { ports: [{ port: 81, nodePort: 30004 }] }));
    assert.equal(forbidden.status, 422, 'nodePort on a ClusterIP service');
    // The failed creates must not leak: 30004 and the IPs they drew are still free.
    const free = await t.call('POST', SVC, service('np3', { type: 'NodePort', ports: [{ port: 81, nodePort: 30004 }] }));
    assert.equal(free.status, 201);
  });

  it('keeps NodePorts across updates and frees them when the type goes back to ClusterIP', async () => {
    const current = (await t.call('GET', `${SVC}/np`)).body;
    const updated = structuredClone(current);
    for (const p of updated.spec.ports) delete p.nodePort;
    const same = await t.call('PUT', `${SVC}/np`, updated);
    assert.deepEqual(same.body.spec.ports.map((p: { nodePort: number }) => p.nodePort), [30000, 30003]);
    const toClusterIp = await t.call('PATCH', `${SVC}/np`, { spec: { type: 'ClusterIP', externalTrafficPolicy: null } }, 'application/merge-patch+json');
    assert.equal(toClusterIp.status, 200, JSON.stringify(toClusterIp.body));
    assert.deepEqual(toClusterIp.body.spec.ports.map((p: { nodePort?: number }) => p.nodePort), [undefined, undefined]);
    const reuse = await t.call('POST', SVC, service('np4', { type: 'NodePort', ports: [{ port: 80, nodePort: 30003 }] }));
    assert.equal(reuse.status, 201, 'released port can be requested again');
  });

  it('frees addresses on delete', async () => {
    await t.call('DELETE', `${SVC}/b`);
    const again = await t.call('POST', SVC, service('b2', { clusterIP: '10.96.0.10' }));
    assert.equal(again.status, 201);
  });

  it('keeps allocations across a restart', async () => {
    await t.stop();
    t = await startTestServer({ serviceCidr: '10.96.0.0/28', nodePortRange: [30000, 30004] }, t.dataDir);
    const taken = await t.call('POST', SVC, service('after-restart', { clusterIP: '10.96.0.10' }));
    assert.equal(taken.status, 422, 'b2 still holds 10.96.0.10');
    const port = await t.call('POST', SVC, service('after-restart', { type: 'NodePort', ports: [{ port: 80, nodePort: 30004 }] }));
    assert.equal(port.status, 422, 'np3 still holds 30004');
    const fresh = await t.call('POST', SVC, service('after-restart', {}));
    assert.equal(fresh.status, 201);
    const held = new Set(
      (await t.call('GET', '/api/v1/services')).body.items.map((s: { spec: { clusterIP: string } }) => s.spec.clusterIP).filter((ip: string) => ip !== 'None'),
    );
    const all = (await t.call('GET', '/api/v1/services')).body.items.filter((s: { spec: { clusterIP: string } }) => s.spec.clusterIP !== 'None');
    assert.equal(held.size, all.length, 'no address handed out twice');
  });

  it('deleting a namespace frees its services\' addresses', async () => {
    await createNamespace(t, 'gone');
    const res = await t.call('POST', '/api/v1/namespaces/gone/services', service('x', { clusterIP: '10.96.0.14' }));
    assert.equal(res.status, 201);
    await t.call('DELETE', '/api/v1/namespaces/gone');
    const again = await t.call('POST', SVC, service('takes-14', { clusterIP: '10.96.0.14' }));
    assert.equal(again.status, 201);
  });
});
