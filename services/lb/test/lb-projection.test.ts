import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyLbState, lbProjection, servicesQuery, backendsQuery, type LbState } from '@netledger/lb-service';
import { decideAndApply } from './support/decide-loop.js';
import { ready, slice, svc } from './support/objects.js';

function sample(): LbState {
  const state = emptyLbState();
  for (let i = 1; i <= 5; i++) {
    const s = svc('ns', `s${i}`, { type: 'NodePort', clusterIP: `10.96.0.${i}`, ports: [{ name: 'http', port: 80, nodePort: 30000 + i }] });
    decideAndApply(state, `ns/s${i}`, s, [slice('ns', `s${i}-a`, `s${i}`, [ready('10.0.0.1'), ready(`10.0.1.${i}`)], [{ name: 'http', port: 8080 }])]);
  }
  decideAndApply(state, 'ns/s2', undefined);
  return state;
}

describe('lbProjection', () => {
  it('survives a JSON snapshot: same services, backends, reference counts and cursors', () => {
    const state = sample();
    const stored = JSON.parse(JSON.stringify(lbProjection.toSnapshot!(state))) as unknown;
    const restored = lbProjection.fromSnapshot!(stored);
    const all = new URLSearchParams();
    assert.deepEqual(servicesQuery(restored, all), servicesQuery(state, all));
    assert.deepEqual(backendsQuery(restored), backendsQuery(state));
    assert.deepEqual([...restored.streamVersions], [...state.streamVersions]);
    assert.deepEqual([restored.serviceIds.next, restored.frontendIds.next, restored.backendIds.next], [state.serviceIds.next, state.frontendIds.next, state.backendIds.next]);
    assert.deepEqual([...restored.frontendOwners].sort(), [...state.frontendOwners].sort());
    assert.deepEqual([...restored.serviceIds.inUse].sort(), [...state.serviceIds.inUse].sort());
  });

  it('counts a shared backend once per service port and releases it with the last', () => {
    const state = sample();
    assert.equal(state.backends.get('10.0.0.1|8080|TCP')?.refs, 4);
    assert.equal(state.backends.has('10.0.1.2|8080|TCP'), false, 'the deleted service released its own backend');
    assert.equal(state.serviceIds.next, 6);
  });

  it('moves the cursor past ids it sees, wrapping at the end of the range', () => {
    const state = emptyLbState();
    lbProjection.apply(state, {
      id: 'x',
      service: 'lb',
      stream: 'service/ns/last',
      version: 1,
      seq: 1,
      type: 'ServiceUpserted',
      schemaVersion: 1,
      time: new Date().toISOString(),
      cause: { kind: 'command', command: 'test', actor: 'test' },
      data: {
        serviceId: 65535,
        namespace: 'ns',
        name: 'last',
        frontends: [{ id: 65535, type: 'ClusterIP', ip: '10.96.0.1', port: 80, protocol: 'TCP', portName: '' }],
        sessionAffinity: 'None',
        affinityTimeoutSeconds: 0,
        externalTrafficLocal: false,
        internalTrafficLocal: false,
      },
    });
    assert.equal(state.serviceIds.next, 1);
    assert.equal(state.frontendIds.next, 1);
  });
});
