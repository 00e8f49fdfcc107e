// Privileged: creates kernel maps pinned under /sys/fs/bpf/netledger-test-<random> (root, bpffs,
// bpftool). Skips with the reason when the machine cannot.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  findBpftool,
  MapLayoutMismatchError,
  MapNotPinnedError,
  openPinnedDatapathMaps,
  probePinnedMaps,
  type DatapathMaps,
} from '../src/index.js';
import { datapathMapsSuite } from './datapath-maps-suite.js';

function tempPinDir(): string {
  return `/sys/fs/bpf/netledger-test-${randomBytes(6).toString('hex')}`;
}

let why: string | undefined | null = null;

/** Why pinned maps cannot be used here, probed once (the probe creates and unpins a map). */
function unavailable(): string | undefined {
  if (why !== null) return why;
  if (process.getuid?.() !== 0) return (why = 'pinned BPF maps need root (CAP_BPF and CAP_SYS_ADMIN for bpffs); not root');
  const dir = tempPinDir();
  const probe = probePinnedMaps(dir);
  rmSync(dir, { recursive: true, force: true });
  return (why = probe.ok ? undefined : `pinned BPF maps unavailable: ${probe.reason}`);
}

for (const batch of [true, false]) {
  datapathMapsSuite(`PinnedDatapathMaps (privileged${batch ? '' : ', one syscall per entry'})`, {
    unavailable,
    create() {
      const pinDir = tempPinDir();
      const opened: DatapathMaps[] = [];
      return {
        open(capacities) {
          const maps = openPinnedDatapathMaps({ pinDir, capacities, batch });
          opened.push(maps);
          return maps;
        },
        dispose() {
          for (const m of opened) m.close();
          rmSync(pinDir, { recursive: true, force: true });
        },
      };
    },
  });
}

describe('PinnedDatapathMaps specifics (privileged)', () => {
  test('maps are pinned under their names; an existing map of another layout is an error', (t) => {
    const reason = unavailable();
    if (reason) return t.skip(reason);
    const pinDir = tempPinDir();
    try {
      const bpftool = findBpftool()!;
      // nl_endpoints made by someone else with a 24-byte key (the ipcache key's size).
      spawnSync('mkdir', ['-p', pinDir]);
      const made = spawnSync(bpftool, ['map', 'create', join(pinDir, 'nl_endpoints'), 'type', 'hash', 'key', '24', 'value', '16', 'entries', '8', 'name', 'nl_endpoints', 'flags', '1']);
      assert.equal(made.status, 0, String(made.stderr));
      assert.throws(
        () => openPinnedDatapathMaps({ pinDir, capacities: { ipcache: 100 } }),
        (e: unknown) => e instanceof MapLayoutMismatchError && e.map === 'nl_endpoints' && /key size 24, expected 20/.test(e.message),
      );
      rmSync(join(pinDir, 'nl_endpoints'));
      const maps = openPinnedDatapathMaps({ pinDir, capacities: { ipcache: 100 } });
      for (const name of ['nl_ipcache', 'nl_endpoints', 'nl_lb4_services', 'nl_lb4_backends', 'nl_lb4_reverse_nat']) {
        assert.ok(existsSync(join(pinDir, name)), `${name} pinned`);
      }
      assert.equal(maps.ipcache.capacity, 100);
      maps.policy(42);
      assert.ok(existsSync(join(pinDir, 'nl_policy_42')));
      const shown = JSON.parse(spawnSync(bpftool, ['-j', 'map', 'show', 'pinned', join(pinDir, 'nl_ipcache')], { encoding: 'utf8' }).stdout) as Record<string, unknown>;
      assert.deepEqual([shown['type'], shown['bytes_key'], shown['bytes_value'], shown['max_entries'], shown['flags']], ['lpm_trie', 24, 12, 100, 1]);
      maps.removePolicy(42);
      assert.equal(existsSync(join(pinDir, 'nl_policy_42')), false, 'removePolicy unpins');
      maps.close();
      // Reopened with other capacities: a pinned map keeps the one it was made with.
      const again = openPinnedDatapathMaps({ pinDir, capacities: { ipcache: 5 } });
      assert.equal(again.ipcache.capacity, 100);
      again.close();
    } finally {
      rmSync(pinDir, { recursive: true, force: true });
    }
  });

  test('create: false opens only what exists', (t) => {
    const reason = unavailable();
    if (reason) return t.skip(reason);
    const pinDir = tempPinDir();
    try {
      assert.throws(() => openPinnedDatapathMaps({ pinDir, create: false }), (e: unknown) => e instanceof MapNotPinnedError && e.map === undefined);
      openPinnedDatapathMaps({ pinDir }).close();
      const reader = openPinnedDatapathMaps({ pinDir, create: false });
      assert.equal(reader.ipcache.count(), 0);
      assert.throws(() => reader.policy(9), (e: unknown) => e instanceof MapNotPinnedError && e.map === 'nl_policy_9');
      assert.equal(existsSync(join(pinDir, 'nl_policy_9')), false);
      reader.close();
    } finally {
      rmSync(pinDir, { recursive: true, force: true });
    }
  });
});
