import type { RawMap } from 'bpf';
import type { ByteMap } from '../byte-map.js';
import { DatapathClosedError, MapFullError, MapOperationError } from '../datapath-errors.js';
import { batchCountOf, errnoOf } from './bpf-addon.js';

// What the kernel returns when a map cannot take a new key: E2BIG (hash), ENOSPC (LPM trie),
// ENOMEM (a map without preallocation that cannot allocate an element).
const FULL = new Set(['E2BIG', 'ENOSPC', 'ENOMEM']);
// What it returns for a batch operation the map type does not implement.
const UNSUPPORTED = new Set(['EINVAL', 'ENOTSUPP', 'EOPNOTSUPP']);
// Entries per batch syscall: bounds the buffers while keeping the syscall count low.
const CHUNK = 4096;

/** Which batch syscalls this map takes; undefined until first needed. */
export interface BatchSupport {
  update: boolean | undefined;
  delete: boolean | undefined;
  lookup: boolean | undefined;
}

/** A ByteMap over a pinned kernel map, through the addon's RawMap. */
export class PinnedByteMap implements ByteMap {
  /** Detected once per map with an empty batch (the kernel answers ENOTSUPP before reading it). */
  readonly batch: BatchSupport = { update: undefined, delete: undefined, lookup: undefined };
  private closed = false;

  constructor(
    readonly name: string,
    readonly path: string,
    private readonly raw: RawMap,
    /** The pinned map's max_entries (a map pinned earlier keeps the capacity it was made with). */
    readonly capacity: number,
  ) {}

  update(entries: readonly (readonly [Buffer, Buffer])[]): void {
    const raw = this.open();
    if (this.supports('update')) {
      for (let at = 0; at < entries.length; at += CHUNK) {
        const chunk = entries.slice(at, at + CHUNK) as [Buffer, Buffer][];
        try {
          raw.setBatch(chunk);
        } catch (e) {
          throw this.writeError(e, at + (batchCountOf(e) ?? 0));
        }
      }
      return;
    }
    entries.forEach(([key, value], i) => {
      try {
        raw.set(key, value);
      } catch (e) {
        throw this.writeError(e, i);
      }
    });
  }

  delete(keys: readonly Buffer[]): void {
    const raw = this.open();
    if (this.supports('delete')) {
      let at = 0;
      while (at < keys.length) {
        const chunk = keys.slice(at, at + CHUNK);
        try {
          raw.deleteBatch(chunk);
          at += chunk.length;
        } catch (e) {
          const done = batchCountOf(e);
          // The batch stops at the first missing key; a missing key is success. Where one key is
          // missing others often are (a stale set), so the rest of this chunk goes key by key:
          // retrying the batch from the next key would copy the chunk again for every miss.
          if (errnoOf(e) !== 'ENOENT' || done === undefined) throw this.opError('delete', e);
          for (const key of chunk.slice(done + 1)) {
            try {
              raw.delete(key);
            } catch (err) {
              if (errnoOf(err) !== 'ENOENT') throw this.opError('delete', err);
            }
          }
          at += chunk.length;
        }
      }
      return;
    }
    for (const key of keys) {
      try {
        raw.delete(key);
      } catch (e) {
        throw this.opError('delete', e);
      }
    }
  }

  lookup(key: Buffer): Buffer | undefined {
    const raw = this.open();
    try {
      return raw.get(key);
    } catch (e) {
      throw this.opError('lookup', e);
    }
  }

  entries(): [Buffer, Buffer][] {
    const raw = this.open();
    if (this.batch.lookup !== false) {
      try {
        const out: [Buffer, Buffer][] = [];
        for (const batch of raw.getBatch(CHUNK)) out.push(...batch);
        this.batch.lookup = true;
        return out;
      } catch (e) {
        if (this.batch.lookup === undefined && UNSUPPORTED.has(errnoOf(e) ?? '')) this.batch.lookup = false;
        else throw this.opError('dump', e);
      }
    }
    try {
      return [...raw.entries()];
    } catch (e) {
      throw this.opError('dump', e);
    }
  }

  count(): number {
    return this.entries().length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.raw.ref.close();
  }

  private open(): RawMap {
    if (this.closed) throw new DatapathClosedError(this.name);
    return this.raw;
  }

  private supports(op: 'update' | 'delete'): boolean {
    if (this.batch[op] === undefined) {
      try {
        if (op === 'update') this.raw.setBatch([]);
        else this.raw.deleteBatch([]);
        this.batch[op] = true;
      } catch (e) {
        if (!UNSUPPORTED.has(errnoOf(e) ?? '')) throw this.opError(`${op} (batch probe)`, e);
        this.batch[op] = false;
      }
    }
    return this.batch[op];
  }

  private writeError(e: unknown, written: number): Error {
    if (FULL.has(errnoOf(e) ?? '')) return new MapFullError(this.name, this.capacity, written, { cause: e });
    return this.opError(`update (entry ${written})`, e);
  }

  private opError(operation: string, e: unknown): MapOperationError {
    const errno = errnoOf(e);
    return new MapOperationError(this.name, operation, errno, `${errno ?? (e as Error).message} (${this.path})`, { cause: e });
  }
}
