import { isMapFullError, type DatapathMap, type MapEntry, type MapFullError } from '@netledger/datapath';
import { processCounter, type Counter } from '@netledger/runtime';
import type { DesiredMap, TableChanges } from '../desired/desired-map.js';
import { structurallyEqual } from '../desired/structurally-equal.js';
import { MAP_OPERATIONS } from './datapath-metric-specs.js';
import type { OperationCounter } from './reconcile-stats.js';

/** How an apply step ended: every operation landed, or the map filled up. */
export type ApplyOutcome =
  | { readonly ok: true; readonly written: number }
  | { readonly ok: false; readonly written: number; readonly error: MapFullError; readonly pending: number };

/** The key-independent face of a MapSync. */
export interface SyncProgress {
  readonly map: { readonly name: string; readonly capacity: number };
  readonly pendingCount: number;
  hasPendingUpserts(): boolean;
  pendingUpsertCount(): number;
  /** Entries the map holds now (without reading it). */
  mapEntries(): number;
  diffAgainstMap(): void;
  takeTableChanges(): void;
}

/**
 * One desired map against one kernel map: the keys that still differ (pending), filled from the
 * desired map's changes or from a full diff against a dump, and applied in the order the caller
 * chooses. A key leaves pending only once its operation landed, so a full map or a failed
 * call leaves it for the next run. What a key needs is read from the desired map at apply
 * time: present means update, absent means delete.
 *
 * Keys that are in sync cost nothing here: once a write landed, the desired value is what the
 * map holds, so no copy of the map is kept; only a pending key remembers what the map still
 * holds for it (what the desired map held at the take that made it pending, or what the dump
 * said).
 */
export class MapSync<K, V> implements SyncProgress {
  /** Pending key -> what the map holds for it now (undefined: nothing). */
  readonly #pending = new Map<string, V | undefined>();
  readonly #operations: Counter<'map' | 'operation' | 'outcome'> = processCounter(MAP_OPERATIONS);

  constructor(
    /** Name in stats and metrics (`nl_policy` for every policy map). */
    readonly statName: string,
    readonly map: DatapathMap<K, V>,
    readonly table: DesiredMap<K, V>,
  ) {}

  get pendingCount(): number {
    return this.#pending.size;
  }

  addChanges(changes: TableChanges<K, V>): void {
    // A key pending already keeps what the map held before its first change.
    for (const c of changes.upserts) if (!this.#pending.has(c.keyString)) this.#pending.set(c.keyString, c.previous);
    for (const c of changes.deletes) if (!this.#pending.has(c.keyString)) this.#pending.set(c.keyString, c.previous);
  }

  takeTableChanges(): void {
    this.addChanges(this.table.takeChanges());
  }

  /** Reads the map back and marks every key that differs from the desired map (the restart path). */
  diffAgainstMap(): void {
    this.table.forgetChanges(); // the full diff below covers them
    this.#pending.clear();
    const seen = new Set<string>();
    for (const actual of this.map.dump()) {
      const k = this.table.keyOf(actual.key);
      seen.add(k);
      const want = this.table.getByKeyString(k);
      if (want === undefined || !structurallyEqual(want, actual.value)) this.#pending.set(k, actual.value);
    }
    for (const [k] of this.table.keyedValues()) if (!seen.has(k)) this.#pending.set(k, undefined);
  }

  /** Whether the key's operation has not landed yet. */
  isPending(keyString: string): boolean {
    return this.#pending.has(keyString);
  }

  /** Pending keys with what the map holds for each now (undefined: nothing). */
  pendingActual(): IterableIterator<[string, V | undefined]> {
    return this.#pending.entries();
  }

  /** Pending keys the desired map holds, as entries to write (`accept` narrows them). */
  upserts(accept: (entry: MapEntry<K, V>) => boolean = () => true): Array<MapEntry<K, V> & { readonly keyString: string }> {
    const out: Array<MapEntry<K, V> & { readonly keyString: string }> = [];
    for (const keyString of this.#pending.keys()) {
      const value = this.table.getByKeyString(keyString);
      if (value === undefined) continue;
      const entry = { key: this.table.keyFrom(keyString), value, keyString };
      if (accept(entry)) out.push(entry);
    }
    return out;
  }

  /** Pending keys the desired map no longer holds. */
  deletes(accept: (key: K) => boolean = () => true): Array<{ readonly key: K; readonly keyString: string }> {
    const out: Array<{ key: K; keyString: string }> = [];
    for (const keyString of this.#pending.keys()) {
      if (this.table.getByKeyString(keyString) !== undefined) continue;
      const key = this.table.keyFrom(keyString);
      if (accept(key)) out.push({ key, keyString });
    }
    return out;
  }

  hasPendingUpserts(): boolean {
    for (const keyString of this.#pending.keys()) if (this.table.getByKeyString(keyString) !== undefined) return true;
    return false;
  }

  /**
   * Entries the map holds now, from what is known without reading it: the desired map's size,
   * corrected by the pending keys (the map holds an entry for a pending key exactly when its
   * remembered value is defined). Exact once the sync started from a dump or an empty map.
   */
  mapEntries(): number {
    let n = this.table.size;
    for (const [keyString, actual] of this.#pending) {
      if (actual !== undefined) n++;
      if (this.table.getByKeyString(keyString) !== undefined) n--;
    }
    return n;
  }

  pendingUpsertCount(): number {
    let n = 0;
    for (const keyString of this.#pending.keys()) if (this.table.getByKeyString(keyString) !== undefined) n++;
    return n;
  }

  /** Writes entries in order; on a full map, the ones before `written` landed and the rest stay pending. */
  applyUpserts(entries: ReadonlyArray<MapEntry<K, V> & { readonly keyString: string }>, counter: OperationCounter): ApplyOutcome {
    if (entries.length === 0) return { ok: true, written: 0 };
    try {
      this.map.update(entries.map(({ key, value }) => ({ key, value })));
    } catch (e) {
      if (!isMapFullError(e)) {
        this.#count('update', 'error', 1);
        throw e;
      }
      const written = Math.max(0, Math.min(e.written, entries.length));
      for (let i = 0; i < written; i++) this.#pending.delete(entries[i]!.keyString);
      counter.add(this.statName, written, 0);
      this.#count('update', 'ok', written);
      this.#count('update', 'map_full', 1);
      return { ok: false, written, error: e, pending: entries.length - written };
    }
    for (const e of entries) this.#pending.delete(e.keyString);
    counter.add(this.statName, entries.length, 0);
    this.#count('update', 'ok', entries.length);
    return { ok: true, written: entries.length };
  }

  applyDeletes(keys: ReadonlyArray<{ readonly key: K; readonly keyString: string }>, counter: OperationCounter): void {
    if (keys.length === 0) return;
    try {
      this.map.delete(keys.map((k) => k.key));
    } catch (e) {
      this.#count('delete', 'error', 1);
      throw e;
    }
    for (const k of keys) this.#pending.delete(k.keyString);
    counter.add(this.statName, 0, keys.length);
    this.#count('delete', 'ok', keys.length);
  }

  #count(operation: 'update' | 'delete', outcome: 'ok' | 'map_full' | 'error', n: number): void {
    if (n > 0) this.#operations.inc({ map: this.statName, operation, outcome }, n);
  }

  /** Forgets pending work (the map itself is going away). */
  clearPending(): void {
    this.#pending.clear();
  }
}
