import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer, createNamespace, openWatch, pod, startTestServer } from './harness.js';

const PODS = '/api/v1/namespaces/w/pods';

describe('watch', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ bookmarkIntervalMs: 100 });
    await createNamespace(t, 'w');
    await createNamespace(t, 'other');
  });
  after(async () => t.close());

  it('from a resourceVersion: replays later changes, then streams live ones, in order', async () => {
    const list = await t.call('GET', PODS);
    const from = list.body.metadata.resourceVersion as string;
    await t.call('POST', PODS, pod('p1', { app: 'a' }));
    await t.call('PATCH', `${PODS}/p1`, { metadata: { labels: { v: '2' } } }, 'application/merge-patch+json');
    const watch = await openWatch(t.server.url, `${PODS}?watch=true&resourceVersion=${from}`);
    try {
      await t.call('POST', '/api/v1/namespaces/other/pods', pod('elsewhere'));
      await t.call('DELETE', `${PODS}/p1`);
      await t.call('POST', PODS, pod('p2'));
      const events = await watch.collect(4);
      assert.deepEqual(
        events.map((e) => `${e.type} ${e.object.metadata.name}`),
        ['ADDED p1', 'MODIFIED p1', 'DELETED p1', 'ADDED p2'],
      );
      const versions = events.map((e) => Number(e.object.metadata.resourceVersion));
      assert.deepEqual([...versions].sort((a, b) => a - b), versions, 'versions increase');
      assert.ok(versions[0]! > Number(from));
      assert.equal(events[1]!.object.metadata.labels.v, '2');
    } finally {
      watch.close();
    }
  });

  it('without a resourceVersion: synthetic ADDED for current objects first', async () => {
    const watch = await openWatch(t.server.url, `${PODS}?watch=1`);
    try {
      const first = await watch.next();
      assert.deepEqual([first.type, first.object.metadata.name], ['ADDED', 'p2']);
      await t.call('POST', PODS, pod('p3'));
      const next = await watch.next();
      assert.deepEqual([next.type, next.object.metadata.name], ['ADDED', 'p3']);
    } finally {
      watch.close();
    }
  });

  it('cluster-wide watch sees every namespace', async () => {
    const rv = (await t.call('GET', '/api/v1/pods')).body.metadata.resourceVersion as string;
    const watch = await openWatch(t.server.url, `/api/v1/pods?watch=true&resourceVersion=${rv}`);
    try {
      await t.call('POST', '/api/v1/namespaces/other/pods', pod('o1'));
      await t.call('POST', PODS, pod('w1'));
      const events = await watch.collect(2);
      assert.deepEqual(events.map((e) => `${e.object.metadata.namespace}/${e.object.metadata.name}`), ['other/o1', 'w/w1']);
    } finally {
      watch.close();
    }
  });

  it('with a label selector: objects entering are ADDED, leaving are DELETED', async () => {
    const rv = (await t.call('GET', PODS)).body.metadata.resourceVersion as string;
    const watch = await openWatch(t.server.url, `${PODS}?watch=true&resourceVersion=${rv}&labelSelector=${encodeURIComponent('role=selected')}`);
    try {
      await t.call('POST', PODS, pod('s1'));
      await t.call('PATCH', `${PODS}/s1`, { metadata: { labels: { role: 'selected' } } }, 'application/merge-patch+json');
      await t.call('PATCH', `${PODS}/s1`, { metadata: { annotations: { touched: 'yes' } } }, 'application/merge-patch+json');
      await t.call('PATCH', `${PODS}/s1`, { metadata: { labels: { role: null } } }, 'application/merge-patch+json');
      const events = await watch.collect(3);
      assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    } finally {
      watch.close();
    }
  });

  it('with field selector spec.nodeName (what a node agent does)', async () => {
    const rv = (await t.call('GET', PODS)).body.metadata.resourceVersion as string;
    const watch = await openWatch(t.server.url, `/api/v1/pods?watch=true&resourceVersion=${rv}&fieldSelector=${encodeURIComponent('spec.nodeName=node-x')}`);
    try {
      await t.call('POST', PODS, pod('n1', {}, { nodeName: 'node-y' }));
      await t.call('POST', PODS, pod('n2', {}, { nodeName: 'node-x' }));
      const e = await watch.next();
      assert.deepEqual([e.type, e.object.metadata.name], ['ADDED', 'n2']);
    } finally {
      watch.close();
    }
  });

  it('sends BOOKMARK events when allowed', async () => {
    const watch = await openWatch(t.server.url, `${PODS}?watch=true&resourceVersion=${(await t.call('GET', PODS)).body.metadata.resourceVersion}&allowWatchBookmarks=true`);
    try {
      const e = await watch.next();
      assert.equal(e.type, 'BOOKMARK');
      assert.equal(e.object.kind, 'Pod');
      assert.equal(e.object.apiVersion, 'v1');
      assert.match(e.object.metadata.resourceVersion, /^\d+$/);
    } finally {
      watch.close();
    }
  });

  it('timeoutSeconds ends the stream', async () => {
    const watch = await openWatch(t.server.url, `${PODS}?watch=true&resourceVersion=1&timeoutSeconds=1`);
    await watch.ended;
  });

  it('a malformed resourceVersion is a 400', async () => {
    const res = await t.call('GET', `${PODS}?watch=true&resourceVersion=abc`);
    assert.equal(res.status, 400);
  });
});

describe('watch history', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ watchHistory: 5 });
    await createNamespace(t, 'w');
  });
  after(async () => t.close());

  it('a resourceVersion older than the kept history gets a 410 Expired ERROR event and the stream ends', async () => {
    const from = (await t.call('GET', PODS)).body.metadata.resourceVersion as string;
    for (let i = 0; i < 8; i += 1) await t.call('POST', PODS, pod(`p${i}`));
    const watch = await openWatch(t.server.url, `${PODS}?watch=true&resourceVersion=${from}`);
    const e = await watch.next();
    assert.equal(e.type, 'ERROR');
    assert.equal(e.object.kind, 'Status');
    assert.equal(e.object.code, 410);
    assert.equal(e.object.reason, 'Expired');
    await watch.ended;
  });

  it('a version inside the kept history still replays, also after a restart', async () => {
    const rv = Number((await t.call('GET', PODS)).body.metadata.resourceVersion);
    await t.call('POST', PODS, pod('late-1'));
    await t.call('POST', PODS, pod('late-2'));
    await t.stop();
    t = await startTestServer({ watchHistory: 5 }, t.dataDir);
    const watch = await openWatch(t.server.url, `${PODS}?watch=true&resourceVersion=${rv}`);
    try {
      const events = await watch.collect(2);
      assert.deepEqual(events.map((e) => e.object.metadata.name), ['late-1', 'late-2']);
      const listed = await t.call('GET', PODS);
      assert.equal(listed.body.metadata.resourceVersion, String(rv + 2), 'resourceVersion counter survives restart');
    } finally {
      watch.close();
    }
  });
});
