import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredService, endpointState } from '@netledger/lb-service';
import { ready, slice, svc, terminating } from './support/objects.js';

describe('endpointState', () => {
  it('follows the EndpointSlice conditions', () => {
    assert.equal(endpointState({ ready: true, serving: true, terminating: false }), 'active');
    assert.equal(endpointState({ ready: false, serving: true, terminating: true }), 'terminating');
    assert.equal(endpointState({ ready: false, serving: false, terminating: true }), undefined);
    assert.equal(endpointState({ ready: false, serving: false, terminating: false }), undefined);
    assert.equal(endpointState({ ready: false }), undefined);
    // Unknown readiness counts as ready, as Kubernetes documents it.
    assert.equal(endpointState(undefined), 'active');
    assert.equal(endpointState({}), 'active');
    assert.equal(endpointState({ terminating: true }), undefined);
    assert.equal(endpointState({ serving: true, terminating: true }), 'terminating');
  });
});

describe('desiredService', () => {
  it('resolves named target ports through the slice port of the same name', () => {
    const s = svc('shop', 'web', {
      clusterIP: '10.96.0.10',
      ports: [
        { name: 'http', port: 80, targetPort: 'web' },
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 5353 },
      ],
    });
    const sl = slice('shop', 'web-1', 'web', [ready('10.0.1.1'), terminating('10.0.1.2', 'node-b')], [
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: 'dns', port: 5353, protocol: 'UDP' },
      { name: 'unknown', port: 9999 },
    ]);
    const { desired, problems } = desiredService(s, [sl]);
    assert.deepEqual(problems, []);
    assert.ok(desired);
    assert.deepEqual(
      desired.frontends.map((f) => `${f.type} ${f.ip}:${f.port}/${f.protocol} ${f.portName}`),
      ['ClusterIP 10.96.0.10:80/TCP http', 'ClusterIP 10.96.0.10:53/UDP dns'],
    );
    assert.deepEqual(
      desired.backends.map((b) => `${b.portName} ${b.ip}:${b.port}/${b.protocol} ${b.state} ${b.node}`),
      ['http 10.0.1.1:8080/TCP active node-a', 'dns 10.0.1.1:5353/UDP active node-a', 'http 10.0.1.2:8080/TCP terminating node-b', 'dns 10.0.1.2:5353/UDP terminating node-b'],
    );
    assert.equal(desired.sessionAffinity, 'None');
    assert.equal(desired.affinityTimeoutSeconds, 0);
  });

  it('gives headless and ExternalName services no load balancing', () => {
    assert.equal(desiredService(svc('a', 'h', { clusterIP: 'None', ports: [{ port: 80 }] }), []).desired, undefined);
    assert.equal(desiredService(svc('a', 'x', { type: 'ExternalName', ports: [{ port: 80 }] }), []).desired, undefined);
    assert.equal(desiredService(svc('a', 'n', { clusterIP: '10.96.0.1', ports: [] }), []).desired, undefined);
  });

  it('derives NodePort, LoadBalancer and external IP frontends', () => {
    const s = svc(
      'edge',
      'lb',
      {
        type: 'LoadBalancer',
        clusterIPs: ['10.96.1.1', 'fd00::1'],
        externalIPs: ['192.0.2.10'],
        ports: [{ name: 'https', port: 443, nodePort: 30443 }],
        externalTrafficPolicy: 'Local',
        sessionAffinity: 'ClientIP',
      },
      { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.com' }] } },
    );
    const { desired, problems } = desiredService(s, []);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      desired?.frontends.map((f) => `${f.type} ${f.ip}:${f.port}`),
      ['ClusterIP 10.96.1.1:443', 'ClusterIP fd00::1:443', 'NodePort 0.0.0.0:30443', 'NodePort :::30443', 'LoadBalancer 203.0.113.7:443', 'ExternalIP 192.0.2.10:443'],
    );
    assert.equal(desired?.externalTrafficLocal, true);
    assert.equal(desired?.internalTrafficLocal, false);
    assert.equal(desired?.sessionAffinity, 'ClientIP');
    assert.equal(desired?.affinityTimeoutSeconds, 10_800);
  });

  it('reports bad fields and keeps the rest of the service', () => {
    const s = svc('bad', 'mixed', {
      clusterIP: '10.96.2.2',
      externalIPs: ['not-an-ip'],
      ports: [
        { name: 'zero', port: 0 },
        { name: 'icmp', port: 7, protocol: 'ICMP' as 'TCP' },
        { name: 'http', port: 80 },
        { name: 'http', port: 81 },
      ],
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 999_999 } },
    });
    const sl = slice('bad', 'mixed-1', 'mixed', [ready('10.0.0.999'), ready('10.0.0.7')], [{ name: 'http', port: 70_000 }]);
    const sl2 = slice('bad', 'mixed-2', 'mixed', [ready('10.0.0.8'), ready('fd00::8')], [{ name: 'http', port: 8080 }]);
    const { desired, problems } = desiredService(s, [sl, sl2]);
    assert.deepEqual(desired?.frontends.map((f) => `${f.ip}:${f.port}`), ['10.96.2.2:80']);
    assert.deepEqual(desired?.backends.map((b) => `${b.ip}:${b.port}`), ['10.0.0.8:8080']);
    assert.equal(desired?.affinityTimeoutSeconds, 10_800);
    assert.deepEqual(
      problems.map((p) => `${p.objectKind} ${p.name} ${p.field}`),
      [
        'Service mixed spec.ports[0].port',
        'Service mixed spec.ports[1].protocol',
        'Service mixed spec.ports[3].name',
        'Service mixed spec.externalIPs[0]',
        'Service mixed spec.sessionAffinityConfig.clientIP.timeoutSeconds',
        'EndpointSlice mixed-1 ports[0].port',
        'EndpointSlice mixed-2 endpoints[1].addresses[0]',
      ],
    );
  });

  it('lists an address twice in overlapping slices once, active over terminating', () => {
    const s = svc('a', 'web', { clusterIP: '10.96.0.1', ports: [{ port: 80 }] });
    const old = slice('a', 'web-1', 'web', [terminating('10.0.0.1')], [{ port: 8080 }]);
    const now = slice('a', 'web-2', 'web', [ready('10.0.0.1', 'node-b')], [{ port: 8080 }]);
    const { desired } = desiredService(s, [old, now]);
    assert.deepEqual(desired?.backends.map((b) => `${b.ip} ${b.state} ${b.node}`), ['10.0.0.1 active node-b']);
  });

  it('ignores FQDN slices', () => {
    const s = svc('a', 'web', { clusterIP: '10.96.0.1', ports: [{ port: 80 }] });
    const fqdn = slice('a', 'web-f', 'web', [ready('example.com')], [{ port: 80 }], 'FQDN');
    const { desired, problems } = desiredService(s, [fqdn]);
    assert.deepEqual(desired?.backends, []);
    assert.deepEqual(problems, []);
  });
});
