import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createInformerSources, type ObjectChange, type ObjectSource, type Pod, SourceStoppedError } from '@netledger/k8s';
import { type BlockingProxy, type TestApi, create, memoryLogger, pod, startApi, startProxy, waitFor } from './harness.js';

/** Records changes and checks the handler is never entered twice at once. */
function recorder(delayMs = 0): { seen: string[]; changes: ObjectChange<Pod>[]; maxConcurrent: number; handler: (c: ObjectChange<Pod>) => Promise<void> } {
  const r = {
    seen: [] as string[],
    changes: [] as ObjectChange<Pod>[],
    maxConcurrent: 0,
    handler: async (c: ObjectChange<Pod>) => {
      inFlight += 1;
      r.maxConcurrent = Math.max(r.maxConcurrent, inFlight);
      // Yield so a second call, if the source made one, would overlap this one.
      await new Promise((res) => setTimeout(res, delayMs));
      r.changes.push(c);
      r.seen.push(`${c.type} ${c.object.metadata.namespace}/${c.object.metadata.name}${c.object.metadata.labels?.['v'] ? ` v=${c.object.metadata.labels['v']}` : ''}`);
      inFlight -= 1;
    },
  };
  let inFlight = 0;
  return r;
}

const fast = { backoff: { initialMs: 50, maxMs: 400 } } as const;

describe('informer sources against the local API server', () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
    await create(api, '/api/v1/namespaces', { metadata: { name: 'sync' } });
    for (let i = 0; i < 30; i += 1) await create(api, '/api/v1/namespaces/sync/pods', pod(`p${String(i).padStart(2, '0')}`, 'sync'));
  });
  after(async () => api.close());

  it('delivers every existing object, one handler call at a time, before start resolves', async () => {
    // Small pages, so the 30 pods come in several list requests.
    const pods = createInformerSources({ kubeconfigPath: api.server.kubeconfigPath, pageSize: 7 }).pods();
    const r = recorder(2);
    await pods.start(r.handler);
    try {
      const names = r.seen.filter((s) => s.startsWith('upsert sync/')).sort();
      assert.equal(names.length, 30);
      assert.equal(names[0], 'upsert sync/p00');
      assert.ok(r.changes.every((c) => c.object.kind === 'Pod' && c.object.apiVersion === 'v1' && c.object.metadata.uid !== ''));
      assert.equal(r.maxConcurrent, 1);
      assert.equal(pods.list().filter((p) => p.metadata.namespace === 'sync').length, 30);
    } finally {
      await pods.stop();
    }
  });

  it('delivers create, update and delete in order', async () => {
    const pods = createInformerSources({ kubeconfigPath: api.server.kubeconfigPath }).pods();
    const r = recorder(1);
    await pods.start(r.handler);
    try {
      const before = r.seen.length;
      await create(api, '/api/v1/namespaces/sync/pods', pod('live', 'sync', { v: '1' }));
      for (const v of ['2', '3']) {
        const res = await api.call('PATCH', '/api/v1/namespaces/sync/pods/live', { metadata: { labels: { v } } }, 'application/merge-patch+json');
        assert.equal(res.status, 200);
      }
      assert.equal((await api.call('DELETE', '/api/v1/namespaces/sync/pods/live')).status, 200);
      await waitFor('the delete', () => r.seen.includes('delete sync/live v=3'));
      assert.deepEqual(r.seen.slice(before), ['upsert sync/live v=1', 'upsert sync/live v=2', 'upsert sync/live v=3', 'delete sync/live v=3']);
      assert.equal(r.maxConcurrent, 1);
      assert.equal(pods.list().some((p) => p.metadata.name === 'live'), false);
    } finally {
      await pods.stop();
    }
  });

  it('serves every kind the services watch, cluster-scoped ones without a namespace', async () => {
    await create(api, '/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies', {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumClusterwideNetworkPolicy',
      metadata: { name: 'ccnp1' },
      spec: { endpointSelector: {} },
    });
    const sources = createInformerSources({ kubeconfigPath: api.server.kubeconfigPath });
    const all: ObjectSource<any>[] = [
      sources.pods(),
      sources.namespaces(),
      sources.nodes(),
      sources.services(),
      sources.endpointSlices(),
      sources.networkPolicies(),
      sources.ciliumNetworkPolicies(),
      sources.ciliumClusterwideNetworkPolicies(),
    ];
    try {
      await Promise.all(all.map((s) => s.start(() => undefined)));
      const byKind = Object.fromEntries(all.map((s) => [s.kind, s.list().map((o) => o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name)]));
      assert.ok(byKind['Namespace']?.includes('sync'));
      assert.ok(byKind['Service']?.includes('default/kubernetes'));
      assert.deepEqual(byKind['CiliumClusterwideNetworkPolicy'], ['ccnp1']);
      assert.deepEqual(byKind['NetworkPolicy'], []);
    } finally {
      await Promise.all(all.map((s) => s.stop()));
    }
  });
});

describe('informer sources when the watch history is compacted (410)', () => {
  let api: TestApi;
  let proxy: BlockingProxy;
  before(async () => {
    // Bookmarks rarely and a short history: a watch that resumes after the gap gets 410 Expired.
    api = await startApi({ watchHistory: 5, bookmarkIntervalMs: 600_000 });
    proxy = await startProxy(api.server.port, api.dir);
    await create(api, '/api/v1/namespaces', { metadata: { name: 'gap' } });
    await create(api, '/api/v1/namespaces', { metadata: { name: 'noise' } });
    for (const name of ['stays', 'changes', 'vanishes']) await create(api, '/api/v1/namespaces/gap/pods', pod(name, 'gap', { v: '1' }));
  });
  after(async () => {
    await proxy.close();
    await api.close();
  });

  it('relists and delivers the differences, deletes of vanished objects included', async () => {
    const logger = memoryLogger();
    const pods = createInformerSources({ kubeconfigPath: proxy.kubeconfigPath, logger, ...fast }).pods();
    const r = recorder();
    await pods.start(r.handler);
    try {
      assert.deepEqual(r.seen.filter((s) => s.includes('gap/')).sort(), ['upsert gap/changes v=1', 'upsert gap/stays v=1', 'upsert gap/vanishes v=1']);
      proxy.block();
      await waitFor('the source to notice the cut', () => logger.lines.some((l) => l.startsWith('ERROR Pod source')));
      const mark = r.seen.length;
      await api.call('DELETE', '/api/v1/namespaces/gap/pods/vanishes');
      await api.call('PATCH', '/api/v1/namespaces/gap/pods/changes', { metadata: { labels: { v: '2' } } }, 'application/merge-patch+json');
      await create(api, '/api/v1/namespaces/gap/pods', pod('appears', 'gap', { v: '1' }));
      for (let i = 0; i < 8; i += 1) await create(api, '/api/v1/namespaces/noise/pods', pod(`n${i}`, 'noise'));
      proxy.unblock();
      await waitFor('the relisted changes', () => r.seen.includes('delete gap/vanishes v=1') && r.seen.includes('upsert gap/appears v=1') && r.seen.includes('upsert gap/changes v=2'));
      const gapChanges = r.seen.slice(mark).filter((s) => s.includes('gap/'));
      assert.deepEqual(gapChanges.sort(), ['delete gap/vanishes v=1', 'upsert gap/appears v=1', 'upsert gap/changes v=2']);
      assert.deepEqual(
        pods.list().filter((p) => p.metadata.namespace === 'gap').map((p) => p.metadata.name).sort(),
        ['appears', 'changes', 'stays'],
      );
      const lists = proxy.requests.filter((r) => r.startsWith('GET /api/v1/pods?') && !r.includes('watch=true'));
      assert.equal(lists.length, 2, 'the initial list and one relist');
      // Back to normal watching: a later change arrives as usual.
      await api.call('DELETE', '/api/v1/namespaces/gap/pods/stays');
      await waitFor('a live delete after the relist', () => r.seen.includes('delete gap/stays v=1'));
    } finally {
      await pods.stop();
    }
  });
});

describe('informer sources with watch bookmarks', () => {
  let api: TestApi;
  let proxy: BlockingProxy;
  before(async () => {
    api = await startApi({ watchHistory: 5, bookmarkIntervalMs: 50 });
    proxy = await startProxy(api.server.port, api.dir);
    await create(api, '/api/v1/namespaces', { metadata: { name: 'bm' } });
  });
  after(async () => {
    await proxy.close();
    await api.close();
  });

  it('resume after a quiet spell without a relist, because bookmarks keep the resourceVersion recent', async () => {
    const logger = memoryLogger();
    const pods = createInformerSources({ kubeconfigPath: proxy.kubeconfigPath, logger, ...fast }).pods();
    const r = recorder();
    await pods.start(r.handler);
    try {
      assert.ok(proxy.requests.some((q) => q.includes('watch=true') && q.includes('allowWatchBookmarks=true')));
      // Changes to another kind push the pods' last seen version out of the 5-change history...
      for (let i = 0; i < 8; i += 1) {
        await create(api, '/api/v1/namespaces/bm/services', { metadata: { name: `s${i}` }, spec: { ports: [{ port: 80 }] } });
      }
      // ...but a bookmark after them moves it forward.
      const seen = proxy.bookmarks();
      await waitFor('a bookmark after the changes', () => proxy.bookmarks() > seen);
      proxy.block();
      await waitFor('the source to notice the cut', () => logger.lines.some((l) => l.startsWith('ERROR Pod source')));
      proxy.unblock();
      await create(api, '/api/v1/namespaces/bm/pods', pod('after-gap', 'bm'));
      await waitFor('the pod created after the gap', () => r.seen.includes('upsert bm/after-gap'));
      const lists = proxy.requests.filter((q) => q.startsWith('GET /api/v1/pods?') && !q.includes('watch=true'));
      assert.equal(lists.length, 1, 'only the initial list');
    } finally {
      await pods.stop();
    }
  });
});

describe('informer sources across an API server restart', () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
    await create(api, '/api/v1/namespaces', { metadata: { name: 'r' } });
    await create(api, '/api/v1/namespaces/r/pods', pod('before', 'r'));
  });
  after(async () => api.close());

  it('retries with backoff, logs it, and resumes where it left off', async () => {
    const logger = memoryLogger();
    const pods = createInformerSources({ kubeconfigPath: api.server.kubeconfigPath, logger, ...fast }).pods();
    const r = recorder();
    await pods.start(r.handler);
    try {
      assert.ok(r.seen.includes('upsert r/before'));
      await api.server.stop();
      await waitFor('two failed attempts', () => logger.lines.filter((l) => l.startsWith('ERROR Pod source')).length >= 2);
      await api.restart();
      await create(api, '/api/v1/namespaces/r/pods', pod('after', 'r'));
      await api.call('DELETE', '/api/v1/namespaces/r/pods/before');
      await waitFor('changes after the restart', () => r.seen.includes('upsert r/after') && r.seen.includes('delete r/before'));
      await waitFor('the recovery log line', () => logger.lines.some((l) => l.includes('watching again')));
      const errors = logger.lines.filter((l) => l.startsWith('ERROR'));
      assert.match(errors[0]!, /retrying in 0\.05 s \(attempt 1\)/);
      assert.match(errors[1]!, /retrying in 0\.1 s \(attempt 2\)/);
      assert.equal(r.seen.filter((s) => s === 'upsert r/after').length, 1);
      assert.deepEqual(pods.list().filter((p) => p.metadata.namespace === 'r').map((p) => p.metadata.name), ['after']);
    } finally {
      await pods.stop();
    }
  });

  it('start waits for an unreachable server, and stop ends the wait with SourceStoppedError', async () => {
    const proxy = await startProxy(api.server.port, api.dir);
    proxy.block();
    const logger = memoryLogger();
    const pods = createInformerSources({ kubeconfigPath: proxy.kubeconfigPath, logger, ...fast }).pods();
    try {
      const started = pods.start(() => undefined);
      await waitFor('a failed attempt', () => logger.lines.some((l) => l.startsWith('ERROR Pod source')));
      await pods.stop();
      await assert.rejects(started, SourceStoppedError);
    } finally {
      await proxy.close();
    }
  });
});
