import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createNamespace, eventually, podsPath, registerNode, setPodStatus, slicesPath, startStack, type Stack } from './harness.js';

const NS = 'svc';
const MERGE = 'application/merge-patch+json';

function service(name: string, selector: Record<string, string> | undefined, ports: unknown[]): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ...(selector ? { selector } : {}), ports } };
}

function pod(name: string, labels: Record<string, string>, ports: Array<{ name: string; containerPort: number; protocol?: string }>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { nodeName: 'node-a', containers: [{ name: 'main', image: 'netledger/echo', ports }] } };
}

describe('EndpointSlice controller (against a local API server)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
    await registerNode(stack, 'node-a');
    await createNamespace(stack, NS);
  });
  after(async () => stack.close());

  const slice = (name: string) => stack.call('GET', slicesPath(NS, name)).then((r) => (r.status === 200 ? r.body : undefined));
  /** Waits until the slice satisfies `ok`; returns it. */
  const sliceWhen = (name: string, what: string, ok: (s: any) => boolean) =>
    eventually(`slice ${name}: ${what}`, async () => {
      const s = await slice(name);
      return s && ok(s) ? s : undefined;
    });
  const sliceGone = (name: string) => eventually(`slice ${name} deleted`, async () => ((await slice(name)) === undefined ? true : undefined));

  it('lists the selected pods that have an IP, with the named target port resolved', async () => {
    const svc = await stack.must('POST', `/api/v1/namespaces/${NS}/services`, service('echo', { app: 'echo' }, [
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 5353 },
    ]));
    await stack.must('POST', podsPath(NS), pod('echo-1', { app: 'echo' }, [{ name: 'http', containerPort: 8080 }]));
    await stack.must('POST', podsPath(NS), pod('echo-2', { app: 'echo' }, [{ name: 'http', containerPort: 8080 }]));
    await stack.must('POST', podsPath(NS), pod('other', { app: 'other' }, [{ name: 'http', containerPort: 8080 }]));
    await stack.must('POST', podsPath(NS), pod('no-ip-yet', { app: 'echo' }, [{ name: 'http', containerPort: 8080 }]));
    const one = await setPodStatus(stack, NS, 'echo-1', '10.200.0.11', true);
    await setPodStatus(stack, NS, 'echo-2', '10.200.0.12', true);
    await setPodStatus(stack, NS, 'other', '10.200.0.13', true);

    const s = await sliceWhen('echo-nl', 'two endpoints', (x) => x.endpoints?.length === 2);
    assert.equal(s.addressType, 'IPv4');
    assert.equal(s.metadata.labels['kubernetes.io/service-name'], 'echo');
    assert.equal(s.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'netledger-controllers');
    assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'echo', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(s.ports, [
      { name: 'http', protocol: 'TCP', port: 8080 },
      { name: 'dns', protocol: 'UDP', port: 5353 },
    ]);
    assert.deepEqual(s.endpoints[0], {
      addresses: ['10.200.0.11'],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'node-a',
      targetRef: { kind: 'Pod', namespace: NS, name: 'echo-1', uid: one.metadata.uid },
    });
    assert.deepEqual(s.endpoints[1].addresses, ['10.200.0.12']);
  });

  it('marks a pod that is not Ready as not ready and not serving', async () => {
    await setPodStatus(stack, NS, 'echo-2', '10.200.0.12', false);
    const s = await sliceWhen('echo-nl', 'echo-2 not ready', (x) => x.endpoints?.[1]?.conditions.ready === false);
    assert.deepEqual(s.endpoints[1].conditions, { ready: false, serving: false, terminating: false });
    assert.equal(s.endpoints[0].conditions.ready, true);
  });

  it('follows a pod IP change', async () => {
    await setPodStatus(stack, NS, 'echo-2', '10.200.0.22', true);
    const s = await sliceWhen('echo-nl', 'the new address', (x) => x.endpoints?.some((e: any) => e.addresses[0] === '10.200.0.22'));
    assert.deepEqual(
      s.endpoints.map((e: any) => [e.addresses[0], e.targetRef.name, e.conditions.ready]),
      [
        ['10.200.0.11', 'echo-1', true],
        ['10.200.0.22', 'echo-2', true],
      ],
    );
  });

  it('does not write a slice when nothing it holds changed', async () => {
    const before = await slice('echo-nl');
    // Changes to a selected pod that the slice does not hold: a label and an annotation.
    await stack.must('PATCH', podsPath(NS, 'echo-1'), { metadata: { labels: { tier: 'x' }, annotations: { note: 'y' } } }, MERGE);
    // A sentinel behind them in the same pod watch: once its slice exists, the earlier changes were handled.
    await stack.must('POST', `/api/v1/namespaces/${NS}/services`, service('sentinel', { app: 'sentinel' }, [{ port: 1 }]));
    await stack.must('POST', podsPath(NS), pod('sentinel', { app: 'sentinel' }, []));
    await setPodStatus(stack, NS, 'sentinel', '10.200.0.99', true);
    await sliceWhen('sentinel-nl', 'its pod', (x) => x.endpoints?.length === 1);
    const after = await slice('echo-nl');
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('splits pods whose named port resolves differently into slices per port set', async () => {
    await stack.must('POST', podsPath(NS), pod('echo-9090', { app: 'echo' }, [{ name: 'http', containerPort: 9090 }]));
    await setPodStatus(stack, NS, 'echo-9090', '10.200.0.90', true);
    const slices = await eventually('two slices for echo', async () => {
      const list = await stack.must('GET', `${slicesPath(NS)}?labelSelector=${encodeURIComponent('kubernetes.io/service-name=echo')}`);
      return list.items.length === 2 ? list.items : undefined;
    });
    const byPort = new Map<number, any>(slices.map((s: any) => [s.ports.find((p: any) => p.name === 'http').port, s]));
    assert.deepEqual(byPort.get(9090).endpoints.map((e: any) => e.targetRef.name), ['echo-9090']);
    assert.deepEqual(byPort.get(8080).endpoints.map((e: any) => e.targetRef.name), ['echo-1', 'echo-2']);
    assert.ok(slices.some((s: any) => s.metadata.name === 'echo-nl'));
    await stack.must('DELETE', podsPath(NS, 'echo-9090'));
    await eventually('back to one slice', async () => {
      const list = await stack.must('GET', `${slicesPath(NS)}?labelSelector=${encodeURIComponent('kubernetes.io/service-name=echo')}`);
      return list.items.length === 1 && list.items[0].metadata.name === 'echo-nl' ? true : undefined;
    });
  });

  it('recreates a slice deleted by hand', async () => {
    const before = await slice('echo-nl');
    await stack.must('DELETE', slicesPath(NS, 'echo-nl'));
    const again = await sliceWhen('echo-nl', 'recreated', (x) => x.metadata.uid !== before.metadata.uid);
    assert.equal(again.endpoints.length, 2);
  });

  it('leaves services without a selector (and their slices) alone', async () => {
    await stack.must('POST', `/api/v1/namespaces/${NS}/services`, service('external', undefined, [{ port: 443 }]));
    await stack.must('POST', slicesPath(NS), {
      metadata: { name: 'external-manual', labels: { 'kubernetes.io/service-name': 'external' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['192.0.2.10'] }],
      ports: [{ port: 443 }],
    });
    // Sentinel as above: a later service's slice exists, so the earlier ones were seen.
    await stack.must('PATCH', podsPath(NS, 'sentinel'), { metadata: { labels: { app: 'sentinel', round: '2' } } }, MERGE);
    await stack.must('POST', `/api/v1/namespaces/${NS}/services`, service('sentinel2', { round: '2' }, [{ port: 2 }]));
    await sliceWhen('sentinel2-nl', 'its pod', (x) => x.endpoints?.length === 1);
    assert.equal((await slice('external-nl')), undefined);
    const manual = await slice('external-manual');
    assert.deepEqual(manual.endpoints, [{ addresses: ['192.0.2.10'] }]);
  });

  it('deletes the slice when the service loses its selector, and when it is deleted', async () => {
    const sentinel = await stack.must('GET', `/api/v1/namespaces/${NS}/services/sentinel`);
    await stack.must('PUT', `/api/v1/namespaces/${NS}/services/sentinel`, { ...sentinel, spec: { ...sentinel.spec, selector: undefined } });
    await sliceGone('sentinel-nl');
    await stack.must('DELETE', `/api/v1/namespaces/${NS}/services/echo`);
    await sliceGone('echo-nl');
  });
});
