import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  KubeAlreadyExistsError,
  KubeApiError,
  KubeConflictError,
  KubeNotFoundError,
  createKubeWriteClient,
  findResource,
  type KubeWriteClient,
  type Pod,
} from '@netledger/k8s';
import { type BlockingProxy, type TestApi, create, pod, startApi, startProxy } from './harness.js';

const pods = findResource('pods');
const nodes = findResource('nodes');
const ref = (name: string) => ({ resource: pods, namespace: 'w', name });

describe('KubeWriteClient against the local API server', () => {
  let api: TestApi;
  let proxy: BlockingProxy;
  let client: KubeWriteClient;
  before(async () => {
    api = await startApi();
    // Through the proxy, which counts connections: the client should keep one.
    proxy = await startProxy(api.server.port, api.dir);
    client = createKubeWriteClient({ kubeconfigPath: proxy.kubeconfigPath });
    await create(api, '/api/v1/namespaces', { metadata: { name: 'w' } });
  });
  after(async () => {
    client.close();
    await proxy.close();
    await api.close();
  });

  it('creates, reads and merge-patches an object and its status', async () => {
    const created = await client.create<Pod>(pods, 'w', pod('a', 'w', { app: 'x' }));
    assert.equal(created.metadata.namespace, 'w');
    assert.ok(created.metadata.uid);
    const patched = await client.patch<Pod>(ref('a'), { metadata: { labels: { tier: 'web' } } });
    assert.deepEqual(patched.metadata.labels, { app: 'x', tier: 'web' });
    await client.patch(ref('a'), { status: { phase: 'Running', podIP: '10.0.0.9' } }, 'status');
    const read = await client.get<Pod>(ref('a'));
    assert.equal(read?.status?.phase, 'Running');
    assert.equal(await client.get(ref('missing')), undefined);
  });

  it('writes cluster-scoped objects (no namespace)', async () => {
    await client.create(nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    await client.patch({ resource: nodes, namespace: undefined, name: 'n1' }, { status: { addresses: [{ type: 'InternalIP', address: '10.1.0.1' }] } }, 'status');
    const node = await client.get<{ status: { addresses: unknown[] } } & Pod>({ resource: nodes, namespace: undefined, name: 'n1' });
    assert.deepEqual(node?.status.addresses, [{ type: 'InternalIP', address: '10.1.0.1' }]);
  });

  it('names the object in typed errors: not found, already exists', async () => {
    await assert.rejects(client.patch(ref('nobody'), { metadata: { labels: { a: 'b' } } }), (e: unknown) => {
      assert.ok(e instanceof KubeNotFoundError && e instanceof KubeApiError);
      assert.deepEqual(e.object, { resource: 'pod', namespace: 'w', name: 'nobody' });
      assert.equal(e.statusCode, 404);
      return true;
    });
    await client.create(pods, 'w', pod('twice', 'w'));
    await assert.rejects(client.create(pods, 'w', pod('twice', 'w')), (e: unknown) => {
      assert.ok(e instanceof KubeAlreadyExistsError);
      assert.deepEqual(e.object, { resource: 'pod', namespace: 'w', name: 'twice' });
      assert.equal(e.reason, 'AlreadyExists');
      return true;
    });
  });

  it('reports a stale resourceVersion as a conflict that is not a precondition', async () => {
    const live = await client.create<Pod>(pods, 'w', pod('stale', 'w'));
    await client.patch(ref('stale'), { metadata: { labels: { v: '2' } } });
    await assert.rejects(client.patch(ref('stale'), { metadata: { resourceVersion: live.metadata.resourceVersion, labels: { v: '3' } } }), (e: unknown) => {
      assert.ok(e instanceof KubeConflictError);
      assert.equal(e.preconditionFailed, false);
      assert.equal(e.object.name, 'stale');
      return true;
    });
  });

  it('deletes only the incarnation a uid names; a missing object is gone', async () => {
    const first = await client.create<Pod>(pods, 'w', pod('reused', 'w'));
    await client.delete(ref('reused'));
    await client.create<Pod>(pods, 'w', pod('reused', 'w'));
    // The name now belongs to another object: the first one is gone, the second stays.
    assert.deepEqual(await client.delete(ref('reused'), { uid: first.metadata.uid }), { outcome: 'gone' });
    const second = await client.get<Pod>(ref('reused'));
    assert.ok(second);
    const deleted = await client.delete<Pod>(ref('reused'), { uid: second.metadata.uid });
    assert.equal(deleted.outcome, 'deleted');
    assert.equal(deleted.outcome === 'deleted' ? deleted.object?.metadata.uid : undefined, second.metadata.uid);
    assert.deepEqual(await client.delete(ref('reused')), { outcome: 'gone' });
  });

  it('reuses its connection across requests', async () => {
    const before = proxy.connections();
    for (let i = 0; i < 5; i++) await client.get(ref('a'));
    assert.ok(proxy.connections() - before <= 1, `${proxy.connections() - before} new connections for 5 requests`);
  });
});
