import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { EndpointRow, IdentityRow } from '../src/index.js';
import { IdentityHarness } from './support/identity-harness.js';
import { namespace, pod } from './support/objects.js';

function identities(h: IdentityHarness): IdentityRow[] {
  return h.domain.queries()['identities']!(new URLSearchParams()) as IdentityRow[];
}

function endpoints(h: IdentityHarness): EndpointRow[] {
  return h.domain.queries()['endpoints']!(new URLSearchParams()) as EndpointRow[];
}

async function cluster(h: IdentityHarness): Promise<void> {
  await h.sources.namespaceSource.upsert(namespace('shop', { team: 'blue' }));
  await h.sources.namespaceSource.upsert(namespace('ops'));
  for (let i = 0; i < 30; i++) await h.sources.podSource.upsert(pod('shop', `web-${i}`, { labels: { app: `web-${i % 5}` }, ips: [`10.0.1.${i}`] }));
  for (let i = 0; i < 10; i++) await h.sources.podSource.upsert(pod('ops', `mon-${i}`, { labels: { app: 'mon' }, ips: [`10.0.2.${i}`] }));
  await h.domain.settled();
}

describe('identity domain restarts', () => {
  const harnesses: IdentityHarness[] = [];
  const start = async (...args: Parameters<typeof IdentityHarness.start>): Promise<IdentityHarness> => {
    const h = await IdentityHarness.start(...args);
    harnesses.push(h);
    return h;
  };
  after(async () => {
    for (const h of harnesses) await h.close();
  });

  it('keep every id and append nothing when nothing changed', async () => {
    const h = await start();
    await cluster(h);
    const seq = await h.lastSeq();
    const ids = identities(h);
    const eps = endpoints(h);
    await h.restart();
    assert.equal(await h.lastSeq(), seq);
    assert.deepEqual(identities(h), ids);
    assert.deepEqual(endpoints(h), eps);
  });

  it('append only the events of what changed while the service was down', async () => {
    const h = await start();
    await cluster(h);
    await h.domain.stop();
    const seq = await h.lastSeq();
    // While down: one pod deleted, one relabelled, one new; the sources list the cluster as it is now.
    await h.sources.podSource.delete(pod('shop', 'web-3'));
    await h.sources.podSource.upsert(pod('shop', 'web-4', { labels: { app: 'web-0' }, ips: ['10.0.1.4'] }));
    await h.sources.podSource.upsert(pod('ops', 'new-0', { labels: { app: 'mon' }, ips: ['10.0.2.99'] }));
    await h.restart();
    const events = await h.events(seq + 1);
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.stream}`).sort(),
      ['EndpointRemoved endpoint/shop/web-3', 'EndpointUpserted endpoint/ops/new-0', 'EndpointUpserted endpoint/shop/web-4'],
    );
    const removed = events.find((e) => e.type === 'EndpointRemoved')!;
    assert.deepEqual(removed.cause, { kind: 'command', command: 'identity resync', actor: 'identity-service' });
    assert.equal(endpoints(h).find((e) => e.pod === 'web-4')!.identity, endpoints(h).find((e) => e.pod === 'web-0')!.identity);
  });

  it('re-identify the pods of a namespace relabelled while down, and only those', async () => {
    const h = await start();
    await cluster(h);
    await h.domain.stop();
    const seq = await h.lastSeq();
    await h.sources.namespaceSource.upsert(namespace('ops', { tier: 'infra' }));
    await h.restart();
    const events = await h.events(seq + 1);
    assert.equal(events.filter((e) => e.type === 'IdentityAllocated').length, 1);
    const upserts = events.filter((e) => e.type === 'EndpointUpserted');
    assert.equal(upserts.length, 10);
    assert.ok(upserts.every((e) => e.stream.startsWith('endpoint/ops/')));
  });

  it('start from a snapshot and give the same state as a full replay', async () => {
    const h = await start({ snapshotEvery: 10 });
    await cluster(h);
    // Churn: more events than objects in the state, so a snapshot is due.
    for (let i = 0; i < 30; i++) await h.sources.podSource.upsert(pod('shop', `web-${i}`, { labels: { app: `web-${i % 5}` }, ips: [`10.0.3.${i}`] }));
    await h.domain.settled();
    await h.restart();
    const snapshot = await h.log.loadSnapshot<unknown>('identity-state');
    assert.ok(snapshot, 'a snapshot was written');
    const seq = await h.lastSeq();
    const ids = identities(h);
    await h.restart();
    assert.equal(await h.lastSeq(), seq);
    assert.deepEqual(identities(h), ids);
  });

  it('hand out the next number after the last allocation, also after a restart', async () => {
    const h = await start({ identity: { gcGraceMs: 0 } });
    await h.sources.namespaceSource.upsert(namespace('a'));
    const p = pod('a', 'x', { labels: { app: 'x' } });
    await h.sources.podSource.upsert(p);
    await h.sources.podSource.upsert(pod('a', 'y', { labels: { app: 'y' } }));
    await h.domain.settled();
    await h.sources.podSource.delete(p);
    await h.domain.settled();
    assert.equal(await h.domain.collectGarbage(), 1);
    await h.restart();
    await h.sources.podSource.upsert(pod('a', 'z', { labels: { app: 'z' } }));
    await h.domain.settled();
    assert.deepEqual(identities(h).filter((i) => i.scope === 'cluster').map((i) => i.id), [257, 258]);
  });
});
