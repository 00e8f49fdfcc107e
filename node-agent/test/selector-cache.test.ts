import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectorOf, type PeerMatch } from '@netledger/policy-engine';
import type { IdentityRecord } from '../src/desired/cluster-view.js';
import { identityInfo } from '../src/desired/identity-info.js';
import { peerKey } from '../src/desired/peer-key.js';
import { SelectorCache, type SelectionDelta } from '../src/desired/selector-cache.js';
import { podIdentityLabels, RESERVED } from './support/cluster-events.js';
import { SeededRandom } from './support/seeded-random.js';

const NS_LABEL = 'io.kubernetes.pod.namespace';
const reserved = (): IdentityRecord[] => RESERVED.map((r) => ({ id: r.id, scope: 'reserved', labels: [`reserved:${r.name}`] }));
const pod = (id: number, ns: string, labels: Record<string, string>): IdentityRecord => ({ id, scope: 'cluster', labels: podIdentityLabels(ns, labels, { team: ns === 'x' ? 'red' : 'blue' }) });
const cidr = (id: number, prefix: string): IdentityRecord => ({ id, scope: 'cidr', labels: [`cidr:${prefix}`] });

function cacheWith(identities: readonly IdentityRecord[]): SelectorCache {
  const cache = new SelectorCache();
  for (const i of identities) cache.upsertIdentity(identityInfo(i));
  return cache;
}

function selectedBy(cache: SelectorCache, peer: PeerMatch): number[] {
  return [...cache.selected(cache.acquire(peer))].sort((a, b) => a - b);
}

describe('SelectorCache', () => {
  const identities = [
    ...reserved(),
    pod(256, 'x', { app: 'web' }),
    pod(257, 'x', { app: 'db' }),
    pod(258, 'y', { app: 'web' }),
    cidr(0x1000001, '10.0.0.0/8'),
    cidr(0x1000002, '10.1.0.0/16'),
    cidr(0x1000003, '10.1.2.0/24'),
    cidr(0x1000004, '192.0.2.0/24'),
    cidr(0x1000005, '2001:db8::/32'),
  ];

  it('selects identities by their security labels, namespace included', () => {
    const cache = cacheWith(identities);
    const web = selectorOf([{ key: 'app', operator: 'In', values: ['web'] }]);
    assert.deepEqual(selectedBy(cache, { kind: 'selector', selector: web }), [256, 258]);
    const webInX = selectorOf([...web.requirements, { key: NS_LABEL, operator: 'In', values: ['x'] }]);
    assert.deepEqual(selectedBy(cache, { kind: 'selector', selector: webInX }), [256]);
    const team = selectorOf([{ key: 'io.cilium.k8s.namespace.labels.team', operator: 'In', values: ['blue'] }]);
    assert.deepEqual(selectedBy(cache, { kind: 'selector', selector: team }), [258]);
  });

  it('selects entities as the engine defines them; world includes CIDR identities', () => {
    const cache = cacheWith(identities);
    const cidrs = [0x1000001, 0x1000002, 0x1000003, 0x1000004, 0x1000005];
    assert.deepEqual(selectedBy(cache, { kind: 'entity', entity: 'world' }), [2, ...cidrs]);
    assert.deepEqual(selectedBy(cache, { kind: 'entity', entity: 'cluster' }), [1, 6, 256, 257, 258]);
    assert.deepEqual(selectedBy(cache, { kind: 'entity', entity: 'host' }), [1]);
    assert.deepEqual(selectedBy(cache, { kind: 'entity', entity: 'remote-node' }), [6]);
    assert.deepEqual(selectedBy(cache, { kind: 'entity', entity: 'kube-apiserver' }), [7]);
    assert.deepEqual(selectedBy(cache, { kind: 'entity', entity: 'all' }), identities.map((i) => i.id).sort((a, b) => a - b));
  });

  it('selects the CIDR identities inside a cidr and outside its excepts; world only for all addresses', () => {
    const cache = cacheWith(identities);
    assert.deepEqual(selectedBy(cache, { kind: 'cidr', cidr: '10.0.0.0/8', except: [] }), [0x1000001, 0x1000002, 0x1000003]);
    assert.deepEqual(selectedBy(cache, { kind: 'cidr', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }), [0x1000001]);
    assert.deepEqual(selectedBy(cache, { kind: 'cidr', cidr: '10.1.0.0/16', except: [] }), [0x1000002, 0x1000003]);
    assert.deepEqual(selectedBy(cache, { kind: 'cidr', cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }), [2, 0x1000004]);
    assert.deepEqual(selectedBy(cache, { kind: 'cidr', cidr: '::/0', except: [] }), [2, 0x1000005]);
  });

  it('shares one entry between equal peers and drops it with its last user', () => {
    const cache = cacheWith(identities);
    const a = cache.acquire({ kind: 'selector', selector: selectorOf([{ key: 'app', operator: 'In', values: ['web', 'db'] }]) });
    const b = cache.acquire({ kind: 'selector', selector: selectorOf([{ key: 'app', operator: 'In', values: ['db', 'web', 'db'] }]) });
    assert.equal(a, b);
    assert.equal(cache.size, 1);
    cache.release(a);
    assert.equal(cache.size, 1);
    cache.release(b);
    assert.equal(cache.size, 0);
  });

  it('reports exactly the pairs that change when an identity comes, changes or goes', () => {
    const cache = cacheWith(reserved());
    const web = cache.acquire({ kind: 'selector', selector: selectorOf([{ key: 'app', operator: 'In', values: ['web'] }]) });
    const world = cache.acquire({ kind: 'entity', entity: 'world' });
    const ten = cache.acquire({ kind: 'cidr', cidr: '10.0.0.0/8', except: [] });
    assert.deepEqual(cache.upsertIdentity(identityInfo(pod(300, 'x', { app: 'web' }))), [{ key: web, identity: 300, selected: true }]);
    assert.deepEqual(cache.upsertIdentity(identityInfo(pod(300, 'x', { app: 'db' }))), [{ key: web, identity: 300, selected: false }]);
    assert.deepEqual(
      cache.upsertIdentity(identityInfo(cidr(0x1000009, '10.9.0.0/16'))).sort((a, b) => (a.key < b.key ? -1 : 1)),
      [
        { key: ten, identity: 0x1000009, selected: true },
        { key: world, identity: 0x1000009, selected: true },
      ].sort((a, b) => (a.key < b.key ? -1 : 1)),
    );
    assert.deepEqual(cache.removeIdentity(0x1000009).length, 2);
    assert.deepEqual(cache.removeIdentity(0x1000009), []);
  });

  it('incremental selections equal a from-scratch computation under random identity churn', () => {
    for (const seed of [1, 2, 3, 42, 2024]) {
      const rnd = new SeededRandom(seed);
      const namespaces = ['x', 'y', 'z'];
      const apps = ['web', 'db', 'cache'];
      const prefixes = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.2.0.0/16', '192.0.2.0/24', '192.0.2.128/25', '2001:db8::/32', '2001:db8:1::/48'];
      const peers: PeerMatch[] = [
        { kind: 'selector', selector: selectorOf([]) },
        { kind: 'selector', selector: selectorOf([{ key: 'app', operator: 'In', values: ['web'] }]) },
        { kind: 'selector', selector: selectorOf([{ key: 'app', operator: 'NotIn', values: ['db'] }, { key: NS_LABEL, operator: 'In', values: ['x', 'y'] }]) },
        { kind: 'selector', selector: selectorOf([{ key: 'tier', operator: 'Exists', values: [] }]) },
        { kind: 'selector', selector: selectorOf([{ key: 'tier', operator: 'DoesNotExist', values: [] }, { key: 'app', operator: 'In', values: ['cache', 'db'] }]) },
        { kind: 'selector', selector: selectorOf([{ key: 'reserved:host', operator: 'Exists', values: [] }]) },
        ...(['world', 'cluster', 'host', 'remote-node', 'kube-apiserver', 'all'] as const).map((entity) => ({ kind: 'entity' as const, entity })),
        { kind: 'cidr', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] },
        { kind: 'cidr', cidr: '10.1.0.0/16', except: ['10.1.2.0/24'] },
        { kind: 'cidr', cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.0.2.0/24'] },
        { kind: 'cidr', cidr: '2001:db8::/32', except: [] },
        { kind: 'cidr', cidr: '192.0.2.0/24', except: [] },
      ];
      const cache = cacheWith(reserved());
      const live = new Map<number, IdentityRecord>(reserved().map((r) => [r.id, r]));
      const held = new Map<string, number>(); // key -> references we hold
      const mirror = new Map<string, Set<number>>(); // selections rebuilt from the reported deltas only
      const acquire = (peer: PeerMatch): void => {
        const key = cache.acquire(peer);
        held.set(key, (held.get(key) ?? 0) + 1);
        mirror.set(key, new Set(cache.selected(key)));
      };
      const follow = (deltas: readonly SelectionDelta[]): void => {
        for (const d of deltas) {
          const set = mirror.get(d.key)!;
          assert.equal(set.has(d.identity), !d.selected, `seed ${seed}: a delta must change something`);
          if (d.selected) set.add(d.identity);
          else set.delete(d.identity);
        }
      };
      for (const p of peers.slice(0, 6)) acquire(p);
      for (let step = 0; step < 600; step++) {
        const roll = rnd.next();
        if (roll < 0.45) {
          const cidrScope = rnd.chance(0.35);
          const id = cidrScope ? 0x1000000 + 1 + rnd.int(12) : 256 + rnd.int(40);
          const labels: Record<string, string> = { app: rnd.pick(apps) };
          if (rnd.chance(0.4)) labels['tier'] = rnd.pick(['front', 'back']);
          const record = cidrScope ? cidr(id, rnd.pick(prefixes)) : pod(id, rnd.pick(namespaces), labels);
          live.set(id, record);
          follow(cache.upsertIdentity(identityInfo(record)));
        } else if (roll < 0.75) {
          const ids = [...live.keys()].filter((id) => id > 7);
          if (ids.length === 0) continue;
          const id = rnd.pick(ids);
          live.delete(id);
          follow(cache.removeIdentity(id));
        } else if (roll < 0.9) {
          acquire(rnd.pick(peers));
        } else {
          const keys = [...held.keys()];
          if (keys.length === 0) continue;
          const key = rnd.pick(keys);
          cache.release(key);
          const n = held.get(key)! - 1;
          if (n === 0) {
            held.delete(key);
            mirror.delete(key);
          } else held.set(key, n);
        }
        if (step % 20 !== 19) continue;
        const scratch = cacheWith([...live.values()]);
        assert.deepEqual([...cache.keys()].sort(), [...held.keys()].sort(), `seed ${seed} step ${step}: entries`);
        for (const peer of peers) {
          const key = peerKey(peer);
          if (!held.has(key)) continue;
          const expected = [...scratch.selected(scratch.acquire(peer))].sort((a, b) => a - b);
          assert.deepEqual([...cache.selected(key)].sort((a, b) => a - b), expected, `seed ${seed} step ${step}: ${key}`);
          assert.deepEqual([...mirror.get(key)!].sort((a, b) => a - b), expected, `seed ${seed} step ${step}: deltas of ${key}`);
        }
      }
    }
  });
});
