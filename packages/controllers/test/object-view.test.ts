import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '@netledger/k8s';
import { ObjectView } from '@netledger/controllers';

function pod(name: string, rv: number, uid = `${name}-uid`): Pod {
  return { metadata: { name, namespace: 'ns', uid, resourceVersion: String(rv) } };
}

describe('ObjectView', () => {
  it('shows its own writes until the informer delivers them, and no longer', () => {
    const view = new ObjectView<Pod>();
    view.wrote(pod('a', 5));
    assert.deepEqual(view.inNamespace('ns').map((p) => p.metadata.name), ['a']);
    assert.equal(view.pendingCount, 1);
    view.observe({ type: 'upsert', object: pod('a', 5) });
    assert.equal(view.pendingCount, 0);
    assert.equal(view.get('ns/a')?.metadata.resourceVersion, '5');
  });

  it('keeps a deletion hidden while the informer still delivers older states of the object', () => {
    const view = new ObjectView<Pod>();
    view.observe({ type: 'upsert', object: pod('a', 3) });
    view.removed(pod('a', 7));
    assert.equal(view.get('ns/a'), undefined);
    // A change made before the deletion arrives late: the pod must stay deleted in the view.
    view.observe({ type: 'upsert', object: pod('a', 6) });
    assert.equal(view.get('ns/a'), undefined);
    assert.deepEqual(view.all(), []);
    view.observe({ type: 'delete', object: pod('a', 7) });
    assert.equal(view.pendingCount, 0);
    assert.deepEqual(view.inNamespace('ns'), []);
  });

  it('ignores a write the informer already delivered, and forgets pending writes after their TTL', () => {
    let now = 0;
    const view = new ObjectView<Pod>(() => now, 1000);
    view.observe({ type: 'upsert', object: pod('a', 9) });
    view.wrote(pod('a', 9));
    assert.equal(view.pendingCount, 0);
    view.wrote(pod('ghost', 10));
    assert.equal(view.get('ns/ghost')?.metadata.name, 'ghost');
    now = 2000;
    assert.equal(view.get('ns/ghost'), undefined);
  });

  it('returns the previous state from observe, for selectors that stopped matching', () => {
    const view = new ObjectView<Pod>();
    assert.equal(view.observe({ type: 'upsert', object: pod('a', 1) }), undefined);
    assert.equal(view.observe({ type: 'upsert', object: pod('a', 2) })?.metadata.resourceVersion, '1');
    assert.equal(view.observe({ type: 'delete', object: pod('a', 3) })?.metadata.resourceVersion, '2');
  });
});
