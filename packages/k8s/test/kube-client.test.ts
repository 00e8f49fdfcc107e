import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfigError, type KubeClient, type KubeManifest, LAST_APPLIED_ANNOTATION, UnsupportedKindError, createKubeClient, createInformerSources } from '@netledger/k8s';
import { type TestApi, create, pod, startApi } from './harness.js';

const outcomes = (results: ReadonlyArray<{ outcome: string }>): string[] => results.map((r) => r.outcome);

describe('KubeClient against the local API server', () => {
  let api: TestApi;
  let client: KubeClient;
  before(async () => {
    api = await startApi();
    client = createKubeClient({ kubeconfigPath: api.server.kubeconfigPath });
    await create(api, '/api/v1/namespaces', { metadata: { name: 'c' } });
  });
  after(async () => api.close());

  it('leaves status to controllers: a status-only change is unchanged', async () => {
    const node: KubeManifest = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] } };
    assert.deepEqual(outcomes(await client.apply([node])), ['created']);
    const moved = { ...node, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] } };
    assert.deepEqual(outcomes(await client.apply([moved])), ['unchanged']);
    const [live] = await client.get('no', 'n1');
    assert.deepEqual((live as any).status.addresses, [{ type: 'InternalIP', address: '10.0.0.1' }]);
  });

  it('applies what get returned, server-owned metadata and all', async () => {
    assert.deepEqual(outcomes(await client.apply([pod('roundtrip', 'c') as unknown as KubeManifest])), ['created']);
    const [live] = await client.get('pods', 'roundtrip', 'c');
    assert.ok(live?.metadata.annotations?.[LAST_APPLIED_ANNOTATION]);
    // The first apply records the server's defaults as applied (kubectl says configured too).
    const [first] = await client.apply([live as unknown as KubeManifest]);
    assert.ok(first?.outcome === 'configured' || first?.outcome === 'unchanged', first?.outcome);
    assert.deepEqual(outcomes(await client.apply([live as unknown as KubeManifest])), ['unchanged']);
  });

  it('adopts an object created without apply, keeping fields it does not mention', async () => {
    await create(api, '/api/v1/namespaces/c/pods', pod('adopted', 'c', { owner: 'someone' }));
    const manifest = pod('adopted', 'c', { app: 'x' }) as unknown as KubeManifest;
    const [result] = await client.apply([manifest]);
    assert.equal(result?.outcome, 'configured');
    const [live] = await client.get('po', 'adopted', 'c');
    assert.deepEqual(live?.metadata.labels, { owner: 'someone', app: 'x' });
  });

  it('defaults the namespace, and checks every kind before sending anything', async () => {
    const inDefault = { ...(pod('defaulted', 'x') as any), metadata: { name: 'defaulted' } } as KubeManifest;
    const unknown = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'd' } } as KubeManifest;
    await assert.rejects(client.apply([inDefault, unknown]), UnsupportedKindError);
    assert.deepEqual(await client.get('pods', 'defaulted', 'default'), []);
    const [created] = await client.apply([inDefault]);
    assert.equal(created?.namespace, 'default');
    assert.equal(client.defaultNamespace, 'default');
  });

  it('reports a rejected object as a result with the server message', async () => {
    const [r] = await client.apply([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'Bad_Name', namespace: 'c' }, spec: { ports: [{ port: 80 }] } }]);
    assert.equal(r?.outcome, 'failed');
    assert.ok(r?.outcome === 'failed' && r.error.statusCode === 422 && r.error.reason === 'Invalid' && /Bad_Name/.test(r.error.message));
  });

  it('gets one, a namespace or everything; deletes and reports what was missing', async () => {
    assert.deepEqual((await client.get('po', undefined, 'c')).map((p) => p.metadata.name), ['adopted', 'roundtrip']);
    const everywhere = await client.list('pods');
    assert.deepEqual(everywhere.map((p) => `${p.metadata.namespace}/${p.metadata.name}`), ['c/adopted', 'c/roundtrip', 'default/defaulted']);
    assert.ok(everywhere.every((p) => p.kind === 'Pod' && p.apiVersion === 'v1'));
    const target = pod('roundtrip', 'c') as unknown as KubeManifest;
    assert.deepEqual(outcomes(await client.delete([target])), ['deleted']);
    assert.deepEqual(outcomes(await client.delete([target])), ['not-found']);
    assert.deepEqual(await client.get('po', 'roundtrip', 'c'), []);
  });

  it('reads kubeconfig lists and says what is wrong with a kubeconfig', async () => {
    const other = join(api.dir, 'other-kubeconfig');
    writeFileSync(other, 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
    const merged = createKubeClient({ kubeconfigPath: `${api.server.kubeconfigPath}:${other}` });
    assert.equal((await merged.get('ns', 'c')).length, 1);
    const missing = join(api.dir, 'missing');
    assert.throws(() => createKubeClient({ kubeconfigPath: missing }), (e: unknown) => e instanceof KubeConfigError && e.message.startsWith(`kubeconfig ${missing}: cannot be loaded`));
    const plain = join(api.dir, 'plain-http');
    writeFileSync(
      plain,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    assert.throws(() => createInformerSources({ kubeconfigPath: plain }), /uses plain HTTP .* without insecure-skip-tls-verify/);
  });
});
