import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig, ListWatch, type V1Pod, Watch, makeInformer } from '@kubernetes/client-node';
import { type TestServer, createNamespace, pod, startTestServer } from './harness.js';

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('@kubernetes/client-node informer', () => {
  let t: TestServer;
  let kc: KubeConfig;
  let core: CoreV1Api;
  before(async () => {
    // Watches end after 1 s so the informer reconnects often (the second test relies on it).
    t = await startTestServer({ watchHistory: 5, defaultWatchTimeoutSeconds: 1 });
    await createNamespace(t, 'inf');
    await createNamespace(t, 'noise');
    kc = new KubeConfig();
    kc.loadFromFile(t.server.kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
  });
  after(async () => t.close());

  it('makeInformer sees add, update and delete', async () => {
    await core.createNamespacedPod({ namespace: 'inf', body: pod('before') as V1Pod });
    const seen: string[] = [];
    const informer = makeInformer(kc, '/api/v1/namespaces/inf/pods', () => core.listNamespacedPod({ namespace: 'inf' }));
    informer.on('add', (p) => seen.push(`add ${p.metadata?.name}`));
    informer.on('update', (p) => seen.push(`update ${p.metadata?.name} ${p.metadata?.labels?.['v'] ?? ''}`));
    informer.on('delete', (p) => seen.push(`delete ${p.metadata?.name}`));
    const errors: unknown[] = [];
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    try {
      await waitFor('initial add', () => seen.includes('add before'));
      await core.createNamespacedPod({ namespace: 'inf', body: pod('p1') as V1Pod });
      await waitFor('add p1', () => seen.includes('add p1'));
      await t.call('PATCH', '/api/v1/namespaces/inf/pods/p1', { metadata: { labels: { v: '2' } } }, 'application/merge-patch+json');
      await waitFor('update p1', () => seen.includes('update p1 2'));
      await core.deleteNamespacedPod({ namespace: 'inf', name: 'p1' });
      await waitFor('delete p1', () => seen.includes('delete p1'));
      assert.deepEqual(seen, ['add before', 'add p1', 'update p1 2', 'delete p1']);
      assert.deepEqual(errors, []);
    } finally {
      await informer.stop();
    }
  });

  it('relists after its resourceVersion expired (410) and converges', async () => {
    let lists = 0;
    const listWatch = new ListWatch<V1Pod>(
      '/api/v1/namespaces/inf/pods',
      new Watch(kc),
      () => {
        lists += 1;
        return core.listNamespacedPod({ namespace: 'inf' });
      },
      false,
    );
    const errors: unknown[] = [];
    listWatch.on('error', (e) => errors.push(e));
    await listWatch.start();
    try {
      assert.equal(lists, 1);
      // Changes the informer does not watch push its resourceVersion out of the 5-change history;
      // its next reconnect (the server ends watches after 1 s) gets 410 Expired and must relist.
      for (let i = 0; i < 8; i += 1) await t.call('POST', '/api/v1/namespaces/noise/pods', pod(`n${i}`));
      await waitFor('a relist', () => lists >= 2);
      await core.createNamespacedPod({ namespace: 'inf', body: pod('after-relist') as V1Pod });
      await waitFor('after-relist in cache', () => listWatch.get('after-relist', 'inf') !== undefined);
      const cached = listWatch.list('inf').map((p) => p.metadata?.name).sort();
      const server = (await core.listNamespacedPod({ namespace: 'inf' })).items.map((p) => p.metadata?.name).sort();
      assert.deepEqual(cached, server);
      assert.deepEqual(errors, []);
    } finally {
      await listWatch.stop();
    }
  });
});
