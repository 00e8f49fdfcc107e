import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { podEndpoint } from '../src/pod-endpoint.js';
import { pod } from './support/objects.js';

describe('podEndpoint', () => {
  it('is the node, the IPs (primary first), the own labels and the named ports, sorted by name', () => {
    const r = podEndpoint(
      pod('a', 'p', {
        labels: { app: 'web' },
        node: 'n1',
        ips: ['10.0.0.5', 'fd00::5'],
        ports: [{ name: 'metrics', containerPort: 9090 }, { containerPort: 22 }, { name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'dns', containerPort: 53, protocol: 'UDP' }],
      }),
    );
    assert.deepEqual(r, {
      kind: 'endpoint',
      endpoint: {
        node: 'n1',
        ips: ['10.0.0.5', 'fd00::5'],
        labels: { app: 'web' },
        namedPorts: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'http', port: 8080, protocol: 'TCP' },
          { name: 'metrics', port: 9090, protocol: 'TCP' },
        ],
      },
    });
  });

  it('falls back to status.podIP', () => {
    const p = pod('a', 'p');
    const r = podEndpoint({ ...p, status: { phase: 'Running', podIP: '10.1.1.1' } });
    assert.equal(r.kind, 'endpoint');
    assert.deepEqual(r.kind === 'endpoint' && r.endpoint.ips, ['10.1.1.1']);
  });

  it('is none for pods not scheduled, without IPs, on the host network or finished', () => {
    const unscheduled = pod('a', 'p');
    assert.deepEqual(podEndpoint({ ...unscheduled, spec: { containers: [] } }), { kind: 'none', reason: 'not scheduled' });
    assert.deepEqual(podEndpoint(pod('a', 'p', { ips: [] })), { kind: 'none', reason: 'no IP yet' });
    assert.deepEqual(podEndpoint(pod('a', 'p', { hostNetwork: true })), { kind: 'none', reason: 'host network' });
    assert.deepEqual(podEndpoint(pod('a', 'p', { phase: 'Succeeded' })), { kind: 'none', reason: 'phase Succeeded' });
    assert.deepEqual(podEndpoint(pod('a', 'p', { phase: 'Failed' })), { kind: 'none', reason: 'phase Failed' });
  });

  it('is invalid, naming the field, for a named port out of range or a label that is not a string', () => {
    const r = podEndpoint(pod('a', 'p', { ports: [{ name: 'http', containerPort: 70000 }] }));
    assert.deepEqual(r, { kind: 'invalid', problem: 'spec.containers[0].ports[0].containerPort 70000 is not a port number' });
    const bad = pod('a', 'p', { labels: { version: 2 as unknown as string } });
    assert.deepEqual(podEndpoint(bad), { kind: 'invalid', problem: 'metadata.labels.version is not a string' });
  });
});
