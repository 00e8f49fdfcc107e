import { DatapathClosedError, MapFullError } from '../datapath-errors.js';
import { readHostU32, writeHostU32 } from '../layout/host-order.js';
import { maskBits } from '../layout/ip-bytes.js';
import type { ByteMap } from '../byte-map.js';
import type { StoredMap } from './memory-datapath-store.js';

// An LPM trie key is a host-order u32 prefixlen followed by the data it matches.
const PREFIXLEN_SIZE = 4;

/** A ByteMap over a StoredMap, with the kernel's semantics for hash maps and LPM tries. */
export class MemoryByteMap implements ByteMap {
  private closed = false;

  constructor(
    readonly name: string,
    private readonly stored: StoredMap,
  ) {}

  get capacity(): number {
    return this.stored.capacity;
  }

  update(entries: readonly (readonly [Buffer, Buffer])[]): void {
    const s = this.open();
    entries.forEach(([rawKey, value], written) => {
      const key = this.canonical(rawKey);
      const id = key.toString('hex');
      if (!s.entries.has(id)) {
        if (s.entries.size >= s.capacity) throw new MapFullError(this.name, s.capacity, written);
        if (s.type === 'lpm_trie') bump(s.prefixCounts, prefixLength(key), 1);
      }
      s.entries.set(id, { key, value: Buffer.from(value) });
    });
  }

  delete(keys: readonly Buffer[]): void {
    const s = this.open();
    for (const rawKey of keys) {
      const key = this.canonical(rawKey);
      if (s.entries.delete(key.toString('hex')) && s.type === 'lpm_trie') bump(s.prefixCounts, prefixLength(key), -1);
    }
  }

  lookup(rawKey: Buffer): Buffer | undefined {
    const s = this.open();
    if (s.type === 'hash') return copy(s.entries.get(rawKey.toString('hex'))?.value);
    // Longest prefix match: the longest stored prefix, no longer than the key's, whose bits
    // agree with the key's first bits.
    const limit = prefixLength(rawKey);
    const lengths = [...s.prefixCounts.keys()].filter((p) => p <= limit).sort((a, b) => b - a);
    for (const p of lengths) {
      const probe = Buffer.from(rawKey);
      writeHostU32(probe, p, 0);
      maskBits(probe, p, PREFIXLEN_SIZE);
      const hit = s.entries.get(probe.toString('hex'));
      if (hit) return copy(hit.value);
    }
    return undefined;
  }

  entries(): [Buffer, Buffer][] {
    return [...this.open().entries.values()].map((e) => [Buffer.from(e.key), Buffer.from(e.value)]);
  }

  count(): number {
    return this.open().entries.size;
  }

  close(): void {
    this.closed = true;
  }

  private open(): StoredMap {
    if (this.closed) throw new DatapathClosedError(this.name);
    return this.stored;
  }

  /** LPM keys lose the bits past their prefix, as the trie ignores them. */
  private canonical(key: Buffer): Buffer {
    const out = Buffer.from(key);
    if (this.stored.type === 'lpm_trie') maskBits(out, prefixLength(out), PREFIXLEN_SIZE);
    return out;
  }
}

function prefixLength(key: Buffer): number {
  return readHostU32(key, 0);
}

function bump(counts: Map<number, number>, p: number, by: number): void {
  const n = (counts.get(p) ?? 0) + by;
  if (n > 0) counts.set(p, n);
  else counts.delete(p);
}

function copy(b: Buffer | undefined): Buffer | undefined {
  return b === undefined ? undefined : Buffer.from(b);
}
