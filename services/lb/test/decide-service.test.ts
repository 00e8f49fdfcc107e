import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyLbState, serviceStream, decideService, desiredService, kubernetesCause } from '@netledger/lb-service';
import { decideAndApply } from './support/decide-loop.js';
import { ready, slice, svc, terminating } from './support/objects.js';

const web = svc('shop', 'web', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80 }] });
const endpoints = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ready(`10.0.0.${from + i}`));
const ports = [{ name: 'http', port: 8080 }];

describe('decideService', () => {
  it('emits the service and its backends with new ids, then nothing when nothing changed', () => {
    const state = emptyLbState();
    const first = decideAndApply(state, 'shop/web', web, [slice('shop', 'web-1', 'web', endpoints(3), ports)]);
    assert.deepEqual(first.events.map((e) => e.type), ['ServiceUpserted', 'BackendAdded', 'BackendAdded', 'BackendAdded']);
    const upserted = first.events[0]!.data as { serviceId: number; frontends: Array<{ id: number }> };
    assert.equal(upserted.serviceId, 1);
    assert.deepEqual(upserted.frontends.map((f) => f.id), [1]);
    assert.deepEqual(first.events.slice(1).map((e) => (e.data as { backendId: number }).backendId), [1, 2, 3]);
    assert.equal(state.streamVersions.get('shop/web'), 4);

    const again = decideAndApply(state, 'shop/web', web, [slice('shop', 'web-1', 'web', endpoints(3), ports)]);
    assert.deepEqual(again.events, []);
  });

  it('answers one endpoint change with one event for that service only', () => {
    const state = emptyLbState();
    decideAndApply(state, 'shop/web', web, [slice('shop', 'web-1', 'web', endpoints(10), ports)]);
    const other = svc('shop', 'api', { clusterIP: '10.96.0.11', ports: [{ name: 'http', port: 80 }] });
    decideAndApply(state, 'shop/api', other, [slice('shop', 'api-1', 'api', endpoints(10, 100), ports)]);

    const changed = [...endpoints(9), terminating('10.0.0.10')];
    const { events } = decideAndApply(state, 'shop/web', web, [slice('shop', 'web-1', 'web', changed, ports)]);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'BackendAdded');
    assert.deepEqual(events[0]!.data, { serviceId: 1, backendId: 10, portName: 'http', ip: '10.0.0.10', port: 8080, protocol: 'TCP', node: 'node-a', state: 'terminating' });

    const gone = decideAndApply(state, 'shop/web', web, [slice('shop', 'web-1', 'web', endpoints(9), ports)]);
    assert.deepEqual(gone.events.map((e) => [e.type, e.data]), [['BackendRemoved', { serviceId: 1, backendId: 10, portName: 'http' }]]);
  });

  it('shares a backend id between services and releases it with the last one', () => {
    const state = emptyLbState();
    const a = svc('ns', 'a', { clusterIP: '10.96.0.1', ports: [{ name: 'http', port: 80 }] });
    const b = svc('ns', 'b', { clusterIP: '10.96.0.2', ports: [{ name: 'http', port: 80 }] });
    decideAndApply(state, 'ns/a', a, [slice('ns', 'a-1', 'a', endpoints(1), ports)]);
    const { events } = decideAndApply(state, 'ns/b', b, [slice('ns', 'b-1', 'b', endpoints(1), ports)]);
    assert.equal((events[1]!.data as { backendId: number }).backendId, 1);
    assert.equal(state.backends.get('10.0.0.1|8080|TCP')?.refs, 2);
    decideAndApply(state, 'ns/a', undefined);
    assert.equal(state.backends.get('10.0.0.1|8080|TCP')?.refs, 1);
    decideAndApply(state, 'ns/b', undefined);
    assert.equal(state.backends.size, 0);
    assert.equal(state.backendIds.inUse.size, 0);
  });

  it('does not reuse released ids at once', () => {
    const state = emptyLbState();
    const a = svc('ns', 'a', { clusterIP: '10.96.0.1', ports: [{ port: 80 }] });
    decideAndApply(state, 'ns/a', a, [slice('ns', 'a-1', 'a', endpoints(1), [{ port: 8080 }])]);
    decideAndApply(state, 'ns/a', undefined);
    const b = svc('ns', 'b', { clusterIP: '10.96.0.1', ports: [{ port: 80 }] });
    const { events } = decideAndApply(state, 'ns/b', b, [slice('ns', 'b-1', 'b', endpoints(1), [{ port: 8080 }])]);
    const data = events[0]!.data as { serviceId: number; frontends: Array<{ id: number }> };
    assert.equal(data.serviceId, 2);
    assert.equal(data.frontends[0]!.id, 2);
    assert.equal((events[1]!.data as { backendId: number }).backendId, 2);
  });

  it('keeps frontend ids across a spec change and numbers only new frontends', () => {
    const state = emptyLbState();
    decideAndApply(state, 'shop/web', web);
    const wider = svc('shop', 'web', {
      type: 'NodePort',
      clusterIP: '10.96.0.10',
      ports: [
        { name: 'http', port: 80, nodePort: 30080 },
        { name: 'https', port: 443, nodePort: 30443 },
      ],
    });
    const { events } = decideAndApply(state, 'shop/web', wider);
    assert.deepEqual(events.map((e) => e.type), ['ServiceUpserted']);
    const frontends = (events[0]!.data as { frontends: Array<{ id: number; type: string; port: number }> }).frontends;
    assert.deepEqual(frontends.map((f) => `${f.id} ${f.type} ${f.port}`), ['1 ClusterIP 80', '2 ClusterIP 443', '3 NodePort 30080', '4 NodePort 30443']);
  });

  it('leaves an address to the service that had it first and reports the conflict', () => {
    const state = emptyLbState();
    const a = svc('ns', 'a', { clusterIP: '10.96.0.1', externalIPs: ['192.0.2.1'], ports: [{ port: 80 }] });
    const b = svc('ns', 'b', { clusterIP: '10.96.0.2', externalIPs: ['192.0.2.1'], ports: [{ port: 80 }] });
    decideAndApply(state, 'ns/a', a);
    const { events, problems } = decideAndApply(state, 'ns/b', b);
    assert.deepEqual((events[0]!.data as { frontends: Array<{ ip: string }> }).frontends.map((f) => f.ip), ['10.96.0.2']);
    assert.deepEqual(problems.map((p) => [p.reason, p.field]), [['conflict', 'spec.externalIPs']]);
    decideAndApply(state, 'ns/a', undefined);
    const after = decideAndApply(state, 'ns/b', b);
    assert.deepEqual((after.events[0]!.data as { frontends: Array<{ ip: string }> }).frontends.map((f) => f.ip), ['10.96.0.2', '192.0.2.1']);
  });

  it('deletes a service that became headless and names the Service as the cause', () => {
    const state = emptyLbState();
    decideAndApply(state, 'shop/web', web);
    const headless = svc('shop', 'web', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] });
    const decision = decideService(state, {
      key: 'shop/web',
      desired: desiredService(headless, []).desired,
      current: kubernetesCause('Service', headless),
      triggers: {},
    });
    assert.equal(decision.request?.stream, serviceStream('shop/web'));
    assert.equal(decision.request?.expectedVersion, 1);
    assert.deepEqual(decision.request?.events.map((e) => [e.type, e.data, e.cause.kind]), [['ServiceDeleted', { serviceId: 1, namespace: 'shop', name: 'web' }, 'kubernetes']]);
  });
});
