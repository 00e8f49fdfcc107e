import {
  ipcacheKeyCodec,
  ipcacheValueCodec,
  lb4BackendKeyCodec,
  lb4BackendValueCodec,
  openPinnedDatapathMaps,
  type DatapathMap,
  type IpcacheKey,
  type IpcacheValue,
  type Lb4BackendKey,
  type Lb4BackendValue,
  type MapEntry,
  type StructCodec,
} from '@netledger/datapath';
import { quantile, type Figure } from '../../figures.js';
import { benchPinDir } from './bench-pin-dir.js';

const ENTRIES = 100_000;

function ip(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

function backendEntries(round: number): MapEntry<Lb4BackendKey, Lb4BackendValue>[] {
  return Array.from({ length: ENTRIES }, (_, i) => ({
    key: { backendId: i + 1 },
    value: { address: ip(i), port: 8080 + round, protocol: 6, state: 'active' },
  }));
}

function ipcacheEntries(round: number): MapEntry<IpcacheKey, IpcacheValue>[] {
  return Array.from({ length: ENTRIES }, (_, i) => ({
    key: { ip: ip(i), prefixLength: 32 },
    value: { identity: 256 + ((i + round) % 1000), tunnelEndpoint: `192.168.${(i >> 8) & 255}.1`, flags: 0 },
  }));
}

// Runs of each measurement: a single one moves with whatever the garbage collector does then.
const RUNS = 3;

// Inserts into the empty map, then rewrites every value (the agent does both: bootstrap,
// churn), RUNS times with the map emptied in between; the median of each.
function rate<K, V>(map: DatapathMap<K, V>, make: (round: number) => MapEntry<K, V>[]): { insert: number; rewrite: number } {
  const measure = (entries: MapEntry<K, V>[]): number => {
    const t0 = performance.now();
    map.update(entries);
    return ENTRIES / ((performance.now() - t0) / 1000);
  };
  const inserts: number[] = [];
  const rewrites: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const first = make(0);
    // Only keys that are there: a batch delete stops at each missing key, so deleting absent
    // keys costs a syscall apiece.
    if (run > 0) map.delete(first.map((e) => e.key));
    inserts.push(measure(first));
    rewrites.push(measure(make(run + 1)));
    if (map.count() !== ENTRIES) throw new Error(`agent bench: ${map.name} holds ${map.count()} entries after writing ${ENTRIES}`);
  }
  return { insert: quantile(inserts.sort((a, b) => a - b), 0.5), rewrite: quantile(rewrites.sort((a, b) => a - b), 0.5) };
}

// The codecs alone (what update() does before its syscalls), to show where the time goes.
function encodeRate<K, V>(entries: MapEntry<K, V>[], key: StructCodec<K>, value: StructCodec<V>): number {
  const t0 = performance.now();
  for (const e of entries) {
    key.encode(e.key);
    value.encode(e.value);
  }
  return entries.length / ((performance.now() - t0) / 1000);
}

/**
 * DatapathMap.update() of 100,000 entries (encoding included, as the reconciler pays it) into
 * pinned lb4Backends (hash) and ipcache (LPM trie) maps, inserted and rewritten, batched
 * (setBatch in chunks) and one syscall per entry for contrast; the codecs alone first. Nothing
 * is reported without kernel maps: a figure for the in-memory fake would not say anything
 * about the datapath.
 */
export function mapUpdateRate(report: (f: Figure) => void): void {
  const fig = (metric: string, value: number, unit: string): void => report({ suite: 'agent', metric, value, unit });
  // First, so the codecs are compiled before the first timed write (it would pay for that
  // otherwise); the second pass is the one reported.
  for (const pass of [0, 1]) {
    const backends = encodeRate(backendEntries(2), lb4BackendKeyCodec, lb4BackendValueCodec);
    const ipcache = encodeRate(ipcacheEntries(2), ipcacheKeyCodec, ipcacheValueCodec);
    if (pass === 0) continue;
    fig('lb4_backends_encode_entries_per_s', backends, 'entries/s (codecs only, no syscall)');
    fig('ipcache_encode_entries_per_s', ipcache, 'entries/s (codecs only, no syscall)');
  }
  for (const batch of [true, false]) {
    const dir = benchPinDir(batch ? 'batch' : 'single');
    if (!dir.ok) {
      process.stderr.write(`agent bench: map_updates_per_s skipped: no pinned BPF maps (${dir.reason})\n`);
      return;
    }
    try {
      const maps = openPinnedDatapathMaps({ pinDir: dir.path, batch });
      try {
        const mode = batch ? '' : 'unbatched_';
        const unit = `updates/s (${batch ? 'batched' : 'one syscall each'}, median of ${RUNS})`;
        const backends = rate(maps.lb4Backends, backendEntries);
        const ipcache = rate(maps.ipcache, ipcacheEntries);
        fig(`lb4_backends_${mode}map_updates_per_s`, backends.insert, unit);
        fig(`lb4_backends_rewrite_${mode}map_updates_per_s`, backends.rewrite, unit);
        fig(`ipcache_${mode}map_updates_per_s`, ipcache.insert, unit);
        fig(`ipcache_rewrite_${mode}map_updates_per_s`, ipcache.rewrite, unit);
        if (batch) fig('map_updates_per_s', Math.min(backends.insert, backends.rewrite, ipcache.insert, ipcache.rewrite), 'updates/s (batched: the slowest of the four above)');
      } finally {
        maps.close();
      }
    } finally {
      dir.remove();
    }
  }
}
