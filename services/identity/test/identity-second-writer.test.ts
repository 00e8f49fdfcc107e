import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { EndpointRow, IdentityRow } from '../src/index.js';
import { IdentityHarness } from './support/identity-harness.js';
import { namespace, pod } from './support/objects.js';

const someone = { kind: 'command', command: 'manual fix', actor: 'operator' } as const;

describe('identity domain with a second writer on its log', () => {
  const harnesses: IdentityHarness[] = [];
  after(async () => {
    for (const h of harnesses) await h.close();
  });

  it('rebuilds its state from the log after a concurrency conflict, and decides again', async () => {
    const h = await IdentityHarness.start();
    harnesses.push(h);
    await h.sources.namespaceSource.upsert(namespace('a'));
    await h.sources.podSource.upsert(pod('a', 'p1', { labels: { app: 'x' }, ips: ['10.0.0.1'] }));
    await h.domain.settled();
    // Someone else removes the endpoint behind the domain's back.
    await h.log.append('endpoint/a/p1', 'any', [
      { type: 'EndpointRemoved', data: { namespace: 'a', pod: 'p1', uid: 'uid-a-p1', node: 'node-a', ips: ['10.0.0.1'] }, cause: someone },
    ]);
    await h.sources.podSource.upsert(pod('a', 'p1', { labels: { app: 'x' }, ips: ['10.0.0.2'] }));
    await h.domain.settled();
    assert.equal(h.domain.status()['concurrencyConflicts'], 1);
    assert.ok(h.logLines.some((l) => l.includes('CONFLICT')));
    const last = (await h.log.readStreamBackward('endpoint/a/p1', undefined, { limit: 1 }))[0]!;
    assert.equal(last.type, 'EndpointUpserted');
    assert.equal(last.version, 3);
    const rows = h.domain.queries()['endpoints']!(new URLSearchParams()) as EndpointRow[];
    assert.deepEqual(rows.map((r) => r.ips), [['10.0.0.2']]);
  });

  it('catches up from the log when its appends no longer follow its last event', async () => {
    const h = await IdentityHarness.start();
    harnesses.push(h);
    await h.sources.namespaceSource.upsert(namespace('a'));
    // An append to a stream the domain does not touch: no conflict, only a gap in its sequence.
    await h.log.append('endpoint/zz/ghost', 'no-stream', [
      {
        type: 'EndpointUpserted',
        data: { namespace: 'zz', pod: 'ghost', uid: 'g', node: 'node-z', ips: ['10.9.9.9'], identity: 2, labels: {}, namedPorts: [] },
        cause: someone,
      },
    ]);
    await h.sources.podSource.upsert(pod('a', 'p1', { labels: { app: 'x' } }));
    await h.domain.settled();
    assert.ok(h.logLines.some((l) => l.includes('catching up from the log')));
    const rows = (h.domain.queries()['endpoints']!(new URLSearchParams()) as EndpointRow[]).map((r) => `${r.namespace}/${r.pod} ${r.identity}`);
    assert.deepEqual(rows, ['a/p1 256', 'zz/ghost 2']);
    const world = h.domain.queries()['identities']!(new URLSearchParams({ id: '2' })) as IdentityRow[];
    assert.equal(world[0]!.references, 1);
  });
});
