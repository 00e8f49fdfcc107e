// A restart gives the same revisions and appends nothing for what did not change; what changed
// while the service was down (and only that) gets its events after the initial sync.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyHarness, type PolicyManifest } from './support/policy-harness.js';

function netpol(namespace: string, name: string, from: string): PolicyManifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { pod: from } } }] }] },
  };
}

function summary(h: PolicyHarness): Record<string, string> {
  return Object.fromEntries(Object.entries(h.domain!.state.policies).map(([s, r]) => [s, `${r.inForce?.uid}@${r.inForce?.revision}`]));
}

describe('policy service restart', () => {
  it('restarts with the same revisions and no new events, from a snapshot too', async () => {
    const h = PolicyHarness.create({ snapshotEvery: 7 });
    try {
      await h.start();
      for (let i = 0; i < 30; i++) await h.apply(netpol(`ns-${i % 3}`, `p-${i}`, `from-${i}`));
      await h.apply({ ...netpol('ns-0', 'bad', 'x'), spec: { podSelector: { matchLabels: { 'no good': 'x' } } } });
      const before = summary(h);
      const seq = await h.lastSeq();
      assert.equal(seq, 31);
      assert.equal(h.domain!.state.revision, 30);

      await h.stop();
      await h.start();
      assert.deepEqual(summary(h), before);
      assert.equal(h.domain!.state.revision, 30);
      assert.equal(await h.lastSeq(), seq, 'nothing appended by a restart');
      assert.equal(h.domain!.status()['synced'], true);
      assert.ok((await h.log.loadSnapshot('policy-state')) !== undefined, 'snapshots were written while running');
      assert.deepEqual(h.errors, []);
    } finally {
      await h.close();
    }
  });

  it('appends only the changes made while the service was down', async () => {
    const h = PolicyHarness.create();
    try {
      await h.start();
      await h.apply(netpol('x', 'keep', 'a'));
      await h.apply(netpol('x', 'change', 'a'));
      await h.apply(netpol('x', 'remove', 'a'));
      await h.apply(netpol('x', 'relabel', 'a'));
      const from = (await h.lastSeq()) + 1;
      assert.equal(from, 5);
      await h.stop();

      await h.apply(netpol('x', 'change', 'b'));
      await h.delete(netpol('x', 'remove', 'a'));
      await h.apply({ ...netpol('x', 'relabel', 'a'), metadata: { name: 'relabel', namespace: 'x', labels: { new: 'label' } } });
      await h.apply(netpol('y', 'new', 'c'));

      await h.start();
      const events = await h.events(from);
      assert.deepEqual(
        events.map((e) => [e.type, e.stream, (e.data as { revision?: number }).revision]).sort(),
        [
          ['PolicyAccepted', 'policy/x/change', 5],
          ['PolicyAccepted', 'policy/y/new', 6],
          ['PolicyDeleted', 'policy/x/remove', 7],
        ].sort(),
      );
      // The changed and new policies are decided in the initial sync, the deletion after it.
      assert.equal(events.at(-1)?.type, 'PolicyDeleted');

      await h.stop();
      await h.start();
      assert.equal(await h.lastSeq(), 7, 'a second restart appends nothing');
    } finally {
      await h.close();
    }
  });
});
