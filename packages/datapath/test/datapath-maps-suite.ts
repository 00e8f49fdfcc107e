// One behaviour, two adapters: every test here runs against the in-memory maps and against
// kernel maps pinned in a throwaway directory, so the fake cannot drift from the kernel.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DatapathClosedError,
  IP_PROTOCOL,
  MapEntryError,
  MapFullError,
  type DatapathMap,
  type DatapathMaps,
  type IpcacheKey,
  type IpcacheValue,
  type MapCapacities,
  type MapEntry,
  type PolicyKey,
  type PolicyValue,
} from '../src/index.js';

/** A fresh, empty backing store (a new pin directory, a new memory store) and how to open it. */
export interface DatapathMapsBacking {
  /** Opens the maps over this backing; a second open after close() sees the same contents. */
  open(capacities?: MapCapacities): DatapathMaps;
  /** Closes what is open and removes the backing. */
  dispose(): void;
}

export interface DatapathMapsFactory {
  /** Why this adapter cannot run here (the test skips with it), or undefined. */
  unavailable(): string | undefined;
  create(): DatapathMapsBacking;
}

const TCP = IP_PROTOCOL.TCP;
const UDP = IP_PROTOCOL.UDP;

function byKey<K, V>(entries: MapEntry<K, V>[]): MapEntry<K, V>[] {
  return [...entries].sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
}

/** update, lookup each, dump, delete half (and a missing key), dump again. */
function checkCrud<K, V>(map: DatapathMap<K, V>, entries: MapEntry<K, V>[], missing: K): void {
  map.update(entries);
  for (const e of entries) assert.deepEqual(map.lookup(e.key), e.value, `${map.name} lookup ${JSON.stringify(e.key)}`);
  assert.deepEqual(byKey(map.dump()), byKey(entries), `${map.name} dump`);
  assert.equal(map.count(), entries.length);
  assert.equal(map.lookup(missing), undefined, `${map.name}: a missing key is undefined`);
  const gone = entries.filter((_, i) => i % 2 === 0);
  map.delete([...gone.map((e) => e.key), missing]);
  map.delete(gone.map((e) => e.key)); // deleting twice is still success
  const kept = entries.filter((_, i) => i % 2 === 1);
  assert.deepEqual(byKey(map.dump()), byKey(kept), `${map.name} dump after delete`);
  for (const e of gone) assert.equal(map.lookup(e.key), undefined);
}

const ipEntry = (ip: string, prefixLength: number, identity: number): MapEntry<IpcacheKey, IpcacheValue> => ({
  key: { ip, prefixLength },
  value: { identity, tunnelEndpoint: '0.0.0.0', flags: 0 },
});

const rule = (key: Partial<PolicyKey> & Pick<PolicyKey, 'prefixLength'>, ruleId: number, action: PolicyValue['action'] = 'allow'): MapEntry<PolicyKey, PolicyValue> => ({
  key: { direction: 'ingress', identity: 0, protocol: 0, port: 0, ...key },
  value: { action, flags: 0, ruleId },
});

/** Registers the shared tests for one adapter under `name`. */
export function datapathMapsSuite(name: string, factory: DatapathMapsFactory): void {
  describe(name, () => {
    const it = (title: string, body: (backing: DatapathMapsBacking) => void): void => {
      test(title, (t) => {
        const why = factory.unavailable();
        if (why) return t.skip(why);
        const backing = factory.create();
        try {
          body(backing);
        } finally {
          backing.dispose();
        }
      });
    };

    it('ipcache: update, lookup, dump, delete (IPv4 and IPv6)', (b) => {
      const maps = b.open();
      checkCrud(
        maps.ipcache,
        [
          { key: { ip: '10.200.0.7', prefixLength: 32 }, value: { identity: 256, tunnelEndpoint: '0.0.0.0', flags: 1 } },
          { key: { ip: '10.201.0.0', prefixLength: 24 }, value: { identity: 257, tunnelEndpoint: '192.168.1.2', flags: 0 } },
          { key: { ip: '192.0.2.0', prefixLength: 24 }, value: { identity: 16777217, tunnelEndpoint: '0.0.0.0', flags: 2 } },
          { key: { ip: 'fd00:10::7', prefixLength: 128 }, value: { identity: 258, tunnelEndpoint: '0.0.0.0', flags: 1 } },
        ],
        { ip: '10.9.9.9', prefixLength: 32 },
      );
    });

    it('endpoints: update, lookup, dump, delete', (b) => {
      const maps = b.open();
      checkCrud(
        maps.endpoints,
        [
          { key: { ip: '10.200.0.7' }, value: { endpointId: 1, identity: 256, ifindex: 0, flags: 3 } },
          { key: { ip: 'fd00:10::7' }, value: { endpointId: 1, identity: 256, ifindex: 0, flags: 3 } },
          { key: { ip: '10.200.0.8' }, value: { endpointId: 2, identity: 300, ifindex: 14, flags: 0 } },
        ],
        { ip: '10.200.0.99' },
      );
    });

    it('lb4 services, backends and reverse NAT: update, lookup, dump, delete', (b) => {
      const maps = b.open();
      checkCrud(
        maps.lb4Services,
        [
          { key: { address: '10.96.0.10', port: 53, protocol: UDP, slot: 0 }, value: { backendId: 0, count: 2, revNatIndex: 3, flags: 1 } },
          { key: { address: '10.96.0.10', port: 53, protocol: UDP, slot: 1 }, value: { backendId: 11, count: 0, revNatIndex: 3, flags: 0 } },
          { key: { address: '10.96.0.10', port: 53, protocol: UDP, slot: 2 }, value: { backendId: 12, count: 0, revNatIndex: 3, flags: 0 } },
          { key: { address: '0.0.0.0', port: 30080, protocol: TCP, slot: 0 }, value: { backendId: 10800, count: 0, revNatIndex: 4, flags: 0x12 } },
        ],
        { address: '10.96.0.10', port: 53, protocol: TCP, slot: 0 },
      );
      checkCrud(
        maps.lb4Backends,
        [
          { key: { backendId: 11 }, value: { address: '10.200.0.21', port: 53, protocol: UDP, state: 'active' } },
          { key: { backendId: 12 }, value: { address: '10.200.0.22', port: 53, protocol: UDP, state: 'terminating' } },
          { key: { backendId: 13 }, value: { address: '10.200.0.23', port: 8080, protocol: TCP, state: 'quarantined' } },
        ],
        { backendId: 99 },
      );
      checkCrud(
        maps.lb4RevNat,
        [
          { key: { revNatIndex: 3 }, value: { address: '10.96.0.10', port: 53 } },
          { key: { revNatIndex: 4 }, value: { address: '0.0.0.0', port: 30080 } },
        ],
        { revNatIndex: 77 },
      );
    });

    it('policy maps: per endpoint, listed by id, removed (a missing one too)', (b) => {
      const maps = b.open();
      assert.deepEqual(maps.policyMapIds(), []);
      const entries = [
        rule({ prefixLength: 8 }, 0, 'deny'),
        rule({ identity: 256, prefixLength: 64 }, 1),
        rule({ identity: 257, protocol: TCP, port: 8080, prefixLength: 93, direction: 'egress' }, 2),
        rule({ identity: 0, protocol: UDP, port: 53, prefixLength: 96 }, 3),
      ];
      entries[0] = { key: entries[0]!.key, value: { action: 'deny', flags: 1, ruleId: 0 } };
      checkCrud(maps.policy(7), entries, { direction: 'egress', identity: 5, protocol: 0, port: 0, prefixLength: 64 });
      maps.policy(12).update([rule({ identity: 1, prefixLength: 64 }, 9)]);
      assert.deepEqual(maps.policyMapIds(), [7, 12]);
      maps.removePolicy(7);
      maps.removePolicy(7);
      maps.removePolicy(4000);
      assert.deepEqual(maps.policyMapIds(), [12]);
      assert.equal(maps.policy(7).count(), 0, 'a removed policy map comes back empty');
      assert.throws(() => maps.policy(0), MapEntryError);
    });

    it('ipcache lookup is a longest prefix match (like the kernel trie)', (b) => {
      const { ipcache } = b.open();
      ipcache.update([ipEntry('0.0.0.0', 0, 2), ipEntry('10.0.0.0', 8, 8), ipEntry('10.1.0.0', 16, 16), ipEntry('10.1.2.0', 24, 24), ipEntry('10.1.2.3', 32, 32)]);
      ipcache.update([ipEntry('fd00::', 8, 108), ipEntry('fd00:1::', 32, 132)]);
      const at = (ip: string, prefixLength = ip.includes(':') ? 128 : 32): number | undefined => ipcache.lookup({ ip, prefixLength })?.identity;
      assert.equal(at('10.1.2.3'), 32);
      assert.equal(at('10.1.2.4'), 24);
      assert.equal(at('10.1.3.4'), 16);
      assert.equal(at('10.2.0.1'), 8);
      assert.equal(at('11.0.0.1'), 2);
      // A key's own prefix length bounds the match: 10.1.2.3/20 cannot use the /24 or /32.
      assert.equal(at('10.1.2.3', 20), 16);
      assert.equal(at('fd00:1::5'), 132);
      assert.equal(at('fd00:2::5'), 108);
      assert.equal(at('fe80::1'), undefined, 'IPv4 0.0.0.0/0 does not cover IPv6');
      ipcache.delete([{ ip: '10.1.2.0', prefixLength: 24 }]);
      assert.equal(at('10.1.2.4'), 16, 'after deleting the /24 the /16 answers');
      ipcache.delete([{ ip: '0.0.0.0', prefixLength: 0 }]);
      assert.equal(at('11.0.0.1'), undefined);
    });

    it('policy lookup: port blocks, exact ports, protocol, identity and direction default', (b) => {
      const map = b.open().policy(3);
      map.update([
        { key: { direction: 'ingress', identity: 0, protocol: 0, port: 0, prefixLength: 8 }, value: { action: 'deny', flags: 1, ruleId: 0 } },
        rule({ identity: 256, prefixLength: 64 }, 64),
        rule({ identity: 257, protocol: TCP, prefixLength: 80 }, 80),
        rule({ identity: 257, protocol: TCP, port: 8080, prefixLength: 93 }, 93),
        rule({ identity: 257, protocol: TCP, port: 8084, prefixLength: 96 }, 96, 'deny'),
      ]);
      const full = (identity: number, protocol: number, port: number, direction: PolicyKey['direction'] = 'ingress'): PolicyValue | undefined =>
        map.lookup({ direction, identity, protocol, port, prefixLength: 96 });
      assert.equal(full(257, TCP, 8084)?.ruleId, 96);
      assert.equal(full(257, TCP, 8084)?.action, 'deny');
      assert.equal(full(257, TCP, 8087)?.ruleId, 93);
      assert.equal(full(257, TCP, 8080)?.ruleId, 93);
      assert.equal(full(257, TCP, 8088)?.ruleId, 80);
      assert.equal(full(257, UDP, 8080)?.ruleId, 0, 'another protocol: only the direction default');
      assert.equal(full(256, UDP, 53)?.ruleId, 64);
      assert.equal(full(999, TCP, 80)?.flags, 1, 'an unknown identity gets the default');
      assert.equal(full(256, TCP, 80, 'egress'), undefined, 'no egress entries at all');
    });

    it('a full map throws MapFullError after writing the entries before the first that does not fit', (b) => {
      const maps = b.open({ lb4Backends: 3, ipcache: 2 });
      assert.equal(maps.lb4Backends.capacity, 3);
      const backend = (id: number): MapEntry<{ backendId: number }, { address: string; port: number; protocol: number; state: 'active' }> => ({
        key: { backendId: id },
        value: { address: `10.0.0.${id}`, port: 80, protocol: TCP, state: 'active' },
      });
      maps.lb4Backends.update([backend(1)]);
      const err = assertThrowsFull(() => maps.lb4Backends.update([backend(1), backend(2), backend(3), backend(4), backend(5)]));
      assert.deepEqual({ map: err.map, capacity: err.capacity, written: err.written }, { map: 'nl_lb4_backends', capacity: 3, written: 3 });
      assert.deepEqual(maps.lb4Backends.dump().map((e) => e.key.backendId).sort(), [1, 2, 3]);
      // Replacing a key of a full map is not growth.
      maps.lb4Backends.update([{ key: { backendId: 2 }, value: { address: '10.0.0.99', port: 81, protocol: TCP, state: 'active' } }]);
      assert.equal(maps.lb4Backends.lookup({ backendId: 2 })?.address, '10.0.0.99');
      maps.lb4Backends.delete([{ backendId: 1 }]);
      maps.lb4Backends.update([backend(4)]);

      const lpm = assertThrowsFull(() => maps.ipcache.update([ipEntry('10.0.0.1', 32, 1), ipEntry('10.0.0.2', 32, 2), ipEntry('10.0.0.3', 32, 3)]));
      assert.deepEqual({ map: lpm.map, capacity: lpm.capacity, written: lpm.written }, { map: 'nl_ipcache', capacity: 2, written: 2 });
      assert.equal(maps.ipcache.count(), 2);
      maps.ipcache.update([ipEntry('10.0.0.2', 32, 22)]);
      assert.equal(maps.ipcache.lookup({ ip: '10.0.0.2', prefixLength: 32 })?.identity, 22);
    });

    it('an update with an invalid entry writes nothing', (b) => {
      const maps = b.open();
      assert.throws(() => maps.ipcache.update([ipEntry('10.0.0.1', 32, 1), ipEntry('not-an-ip', 32, 2)]), MapEntryError);
      assert.equal(maps.ipcache.count(), 0);
    });

    it('reopening after close() finds every map and entry; closed maps refuse use', (b) => {
      const first = b.open();
      first.ipcache.update([ipEntry('10.0.0.0', 8, 8)]);
      first.endpoints.update([{ key: { ip: '10.0.0.5' }, value: { endpointId: 5, identity: 256, ifindex: 3, flags: 1 } }]);
      first.lb4RevNat.update([{ key: { revNatIndex: 1 }, value: { address: '10.96.0.1', port: 443 } }]);
      first.policy(5).update([rule({ identity: 256, prefixLength: 64 }, 1)]);
      const policy = first.policy(5);
      first.close();
      assert.throws(() => first.ipcache.dump(), DatapathClosedError);
      assert.throws(() => policy.lookup({ direction: 'ingress', identity: 256, protocol: 0, port: 0, prefixLength: 64 }), DatapathClosedError);

      const again = b.open();
      assert.equal(again.ipcache.lookup({ ip: '10.9.9.9', prefixLength: 32 })?.identity, 8);
      assert.equal(again.endpoints.lookup({ ip: '10.0.0.5' })?.endpointId, 5);
      assert.equal(again.lb4RevNat.lookup({ revNatIndex: 1 })?.port, 443);
      assert.deepEqual(again.policyMapIds(), [5]);
      assert.equal(again.policy(5).dump().length, 1);
      again.close();
    });

    it('10,000 backends in one update, then deleted in one call', (b) => {
      const { lb4Backends } = b.open();
      const entries = Array.from({ length: 10_000 }, (_, i) => ({
        key: { backendId: i + 1 },
        value: { address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 8080, protocol: TCP, state: 'active' as const },
      }));
      lb4Backends.update(entries);
      assert.equal(lb4Backends.count(), 10_000);
      assert.deepEqual(lb4Backends.lookup({ backendId: 5000 }), entries[4999]!.value);
      lb4Backends.delete(entries.filter((_, i) => i % 3 !== 0).map((e) => e.key).concat([{ backendId: 999_999 }]));
      assert.equal(lb4Backends.count(), Math.ceil(10_000 / 3));
    });
  });
}

function assertThrowsFull(fn: () => void): MapFullError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof MapFullError, `expected MapFullError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected MapFullError');
}
