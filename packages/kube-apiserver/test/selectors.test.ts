import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer, createNamespace, pod, startTestServer } from './harness.js';

function names(body: { items: { metadata: { namespace?: string; name: string } }[] }): string[] {
  return body.items.map((i) => (i.metadata.namespace ? `${i.metadata.namespace}/${i.metadata.name}` : i.metadata.name));
}

describe('list with selectors', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await createNamespace(t, 'a');
    await createNamespace(t, 'b');
    const seed: [string, string, Record<string, string>, string][] = [
      ['a', 'web-1', { app: 'web', tier: 'front' }, 'node-1'],
      ['a', 'web-2', { app: 'web', tier: 'back' }, 'node-2'],
      ['a', 'db-1', { app: 'db' }, 'node-1'],
      ['b', 'web-3', { app: 'web', canary: 'true' }, 'node-2'],
      ['b', 'job-1', {}, 'node-1'],
    ];
    for (const [ns, name, labels, nodeName] of seed) {
      const res = await t.call('POST', `/api/v1/namespaces/${ns}/pods`, pod(name, labels, { nodeName }));
      assert.equal(res.status, 201);
    }
    await t.call('PATCH', '/api/v1/namespaces/a/pods/web-1/status', { status: { phase: 'Running' } }, 'application/merge-patch+json');
    await t.call('POST', '/api/v1/namespaces/a/services', { metadata: { name: 'np' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });
    await t.call('POST', '/api/v1/namespaces/a/services', { metadata: { name: 'cip' }, spec: { ports: [{ port: 80 }] } });
  });
  after(async () => t.close());

  const list = async (path: string): Promise<string[]> => {
    const res = await t.call('GET', path);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return names(res.body);
  };
  const q = (s: string): string => encodeURIComponent(s);

  it('lists cluster-wide and per namespace, sorted', async () => {
    assert.deepEqual(await list('/api/v1/pods'), ['a/db-1', 'a/web-1', 'a/web-2', 'b/job-1', 'b/web-3']);
    assert.deepEqual(await list('/api/v1/namespaces/b/pods'), ['b/job-1', 'b/web-3']);
    const res = await t.call('GET', '/api/v1/pods');
    assert.equal(res.body.kind, 'PodList');
    assert.match(res.body.metadata.resourceVersion, /^\d+$/);
  });

  it('label selectors: =, ==, !=, in, notin, exists, !key', async () => {
    assert.deepEqual(await list(`/api/v1/pods?labelSelector=${q('app=web')}`), ['a/web-1', 'a/web-2', 'b/web-3']);
    assert.deepEqual(await list(`/api/v1/pods?labelSelector=${q('app==db')}`), ['a/db-1']);
    assert.deepEqual(await list(`/api/v1/pods?labelSelector=${q('app!=web')}`), ['a/db-1', 'b/job-1']);
    assert.deepEqual(await list(`/api/v1/pods?labelSelector=${q('tier in (front,back)')}`), ['a/web-1', 'a/web-2']);
    assert.deepEqual(await list(`/api/v1/pods?labelSelector=${q('tier notin (front),app=web')}`), ['a/web-2', 'b/web-3']);
    assert.deepEqual(await list(`/api/v1/pods?labelSelector=${q('canary')}`), ['b/web-3']);
    assert.deepEqual(await list(`/api/v1/namespaces/a/pods?labelSelector=${q('!tier')}`), ['a/db-1']);
  });

  it('field selectors: metadata.name, metadata.namespace, spec.nodeName, status.phase, spec.type', async () => {
    assert.deepEqual(await list(`/api/v1/pods?fieldSelector=${q('metadata.name=web-2')}`), ['a/web-2']);
    assert.deepEqual(await list(`/api/v1/pods?fieldSelector=${q('metadata.namespace=b')}`), ['b/job-1', 'b/web-3']);
    assert.deepEqual(await list(`/api/v1/pods?fieldSelector=${q('spec.nodeName=node-1')}`), ['a/db-1', 'a/web-1', 'b/job-1']);
    assert.deepEqual(await list(`/api/v1/pods?fieldSelector=${q('status.phase=Running')}`), ['a/web-1']);
    assert.deepEqual(await list(`/api/v1/pods?fieldSelector=${q('status.phase!=Running,spec.nodeName=node-1')}`), ['a/db-1', 'b/job-1']);
    assert.deepEqual(await list(`/api/v1/namespaces/a/services?fieldSelector=${q('spec.type=NodePort')}`), ['a/np']);
    assert.deepEqual(
      await list(`/api/v1/pods?labelSelector=${q('app=web')}&fieldSelector=${q('spec.nodeName=node-2')}`),
      ['a/web-2', 'b/web-3'],
    );
  });

  it('an unsupported field is a 400 naming the field', async () => {
    const res = await t.call('GET', `/api/v1/pods?fieldSelector=${q('spec.hostname=x')}`);
    assert.equal(res.status, 400);
    assert.match(res.body.message, /spec\.hostname/);
  });

  it('limit and continue page through a list', async () => {
    const first = await t.call('GET', '/api/v1/pods?limit=2');
    assert.deepEqual(names(first.body), ['a/db-1', 'a/web-1']);
    assert.equal(first.body.metadata.remainingItemCount, 3);
    const token = first.body.metadata.continue as string;
    const second = await t.call('GET', `/api/v1/pods?limit=2&continue=${q(token)}`);
    assert.deepEqual(names(second.body), ['a/web-2', 'b/job-1']);
    const third = await t.call('GET', `/api/v1/pods?limit=2&continue=${q(second.body.metadata.continue)}`);
    assert.deepEqual(names(third.body), ['b/web-3']);
    assert.equal(third.body.metadata.continue, undefined);
    assert.equal((await t.call('GET', '/api/v1/pods?continue=garbage')).status, 400);
  });

  it('deletecollection honours selectors', async () => {
    const res = await t.call('DELETE', `/api/v1/namespaces/a/pods?labelSelector=${q('app=web')}`);
    assert.equal(res.status, 200);
    assert.deepEqual(names(res.body), ['a/web-1', 'a/web-2']);
    assert.deepEqual(await list('/api/v1/namespaces/a/pods'), ['a/db-1']);
  });

  it('returns a meta.k8s.io/v1 Table when asked', async () => {
    const res = await fetch(`${t.server.url}/api/v1/namespaces/b/pods`, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' },
    });
    const table = (await res.json()) as { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { metadata: { name: string } } }[] };
    assert.equal(table.kind, 'Table');
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node'],
    );
    assert.deepEqual(table.rows[0]?.cells.slice(0, 4), ['job-1', '0/1', 'Pending', 0]);
    assert.equal(table.rows[0]?.object.metadata.name, 'job-1');
  });
});
