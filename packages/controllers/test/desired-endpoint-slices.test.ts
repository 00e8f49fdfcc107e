import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod, Service } from '@netledger/k8s';
import { desiredEndpointSlices } from '@netledger/controllers';

function service(spec: Record<string, unknown>): Service {
  return { metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', resourceVersion: '1' }, spec } as Service;
}

function pod(name: string, extra: { ip?: string; ready?: boolean; phase?: string; deleting?: boolean; ports?: Array<{ name: string; containerPort: number; protocol?: 'TCP' | 'UDP' }>; labels?: Record<string, string> } = {}): Pod {
  return {
    metadata: {
      name,
      namespace: 'ns',
      uid: `${name}-uid`,
      resourceVersion: '1',
      labels: extra.labels ?? { app: 'web' },
      ...(extra.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}),
    },
    spec: { nodeName: 'n1', containers: [{ name: 'c', ports: extra.ports ?? [{ name: 'http', containerPort: 8080 }] }] },
    status: {
      phase: extra.phase ?? 'Running',
      ...(extra.ip === undefined ? {} : { podIP: extra.ip }),
      conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }],
    },
  };
}

describe('desiredEndpointSlices', () => {
  const ports = [{ name: 'http', port: 80, targetPort: 'http' }];

  it('selects pods with an IP that have not finished, and sets the conditions as Kubernetes does', () => {
    const slices = desiredEndpointSlices(service({ selector: { app: 'web' }, ports }), [
      pod('a', { ip: '10.0.0.1' }),
      pod('b', { ip: '10.0.0.2', ready: false }),
      pod('c', { ip: '10.0.0.3', deleting: true }),
      pod('done', { ip: '10.0.0.4', phase: 'Succeeded' }),
      pod('no-ip'),
      pod('other', { ip: '10.0.0.5', labels: { app: 'other' } }),
    ]);
    assert.equal(slices.length, 1);
    assert.deepEqual(
      slices[0]?.endpoints.map((e) => [e.targetRef.name, e.conditions]),
      [
        ['a', { ready: true, serving: true, terminating: false }],
        ['b', { ready: false, serving: false, terminating: false }],
        ['c', { ready: false, serving: true, terminating: true }],
      ],
    );
  });

  it('publishes not-ready addresses as ready when the service asks for it', () => {
    const [slice] = desiredEndpointSlices(service({ selector: { app: 'web' }, ports, publishNotReadyAddresses: true }), [pod('b', { ip: '10.0.0.2', ready: false })]);
    assert.deepEqual(slice?.endpoints[0]?.conditions, { ready: true, serving: false, terminating: false });
  });

  it('resolves named ports per pod and protocol, dropping a port a pod lacks, and splits slices by port set', () => {
    const svc = service({
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' },
      ],
    });
    const slices = desiredEndpointSlices(svc, [
      pod('a', { ip: '10.0.0.1', ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }] }),
      pod('b', { ip: '10.0.0.2', ports: [{ name: 'http', containerPort: 9090 }, { name: 'dns', containerPort: 5353, protocol: 'TCP' }] }),
      pod('c', { ip: '10.0.0.3', ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }] }),
    ]);
    assert.deepEqual(
      slices.map((s) => [s.metadata.name.replace(/-[0-9a-f]{8}$/, '-<hash>'), s.ports, s.endpoints.map((e) => e.targetRef.name)]),
      [
        ['web-nl', [{ name: 'http', protocol: 'TCP', port: 8080 }, { name: 'dns', protocol: 'UDP', port: 5353 }], ['a', 'c']],
        ['web-nl-<hash>', [{ name: 'http', protocol: 'TCP', port: 9090 }], ['b']],
      ],
    );
  });

  it('gives nothing to services without a selector or of type ExternalName', () => {
    assert.deepEqual(desiredEndpointSlices(service({ ports }), [pod('a', { ip: '10.0.0.1' })]), []);
    assert.deepEqual(desiredEndpointSlices(service({ type: 'ExternalName', selector: { app: 'web' } }), [pod('a', { ip: '10.0.0.1' })]), []);
  });

  it('labels headless services and keeps an empty placeholder slice for a selector that matches nothing', () => {
    const [placeholder, ...more] = desiredEndpointSlices(service({ selector: { app: 'none' }, ports }), [pod('a', { ip: '10.0.0.1' })]);
    assert.deepEqual(more, []);
    assert.equal(placeholder?.metadata.name, 'web-nl');
    assert.deepEqual([placeholder?.endpoints, placeholder?.ports], [[], []]);
    const [slice] = desiredEndpointSlices(service({ selector: { app: 'web' }, clusterIP: 'None', ports }), [pod('a', { ip: '10.0.0.1' })]);
    assert.equal(slice?.metadata.labels['service.kubernetes.io/headless'], '');
  });
});
