import {
  MAP_NAMES,
  type DatapathMaps,
  type EndpointKey,
  type EndpointValue,
  type IpcacheKey,
  type IpcacheValue,
  type Lb4BackendKey,
  type Lb4BackendValue,
  type Lb4RevNatKey,
  type Lb4RevNatValue,
  type Lb4ServiceKey,
  type Lb4ServiceValue,
  type MapFullError,
  type PolicyKey,
  type PolicyValue,
} from '@netledger/datapath';
import type { DesiredDatapath } from './desired-datapath.js';
import { LbSync } from './lb-sync.js';
import { MapSync, type ApplyOutcome, type SyncProgress } from './map-sync.js';
import { OperationCounter, type ReconcileStats } from './reconcile-stats.js';

/** A map that could not take every entry the desired state holds for it. */
export interface MapFullRecord {
  readonly map: string;
  readonly capacity: number;
  /** Entries still waiting to be written to it. */
  readonly pending: number;
  /** The endpoint whose policy map it is. */
  readonly endpointId?: number;
}

/** How full one map is, from what the reconciler knows (no map is read for it). */
export interface MapFill {
  /** The map's name; `nl_policy` stands for the fullest per-endpoint policy map. */
  readonly map: string;
  readonly entries: number;
  readonly capacity: number;
}

export interface ReconcilerStatus {
  readonly started: boolean;
  readonly runs: number;
  /** Maps full right now, with what waits for them; empty once they took everything. */
  readonly mapFull: readonly MapFullRecord[];
  /** Every MapFullError met so far (a metric). */
  readonly mapFullErrors: number;
  /** Keys (in every map) whose operation has not landed yet. */
  readonly pendingOperations: number;
  /** Operations applied by every run so far. */
  readonly totals: ReconcileStats;
}

export interface DatapathReconcilerOptions {
  /** Told when a map fills up (and again when what waits for it changes), so it is logged rather than silent. */
  readonly onMapFull?: (record: MapFullRecord, error: Error) => void;
}

const POLICY_STAT = 'nl_policy';

/**
 * Makes the maps hold the desired state, writing only what differs.
 *
 * `start()` reads every map back (after giving endpoints the ids the `endpoints` map held, so
 * their policy maps are reused), diffs it against the desired state in full and applies the
 * difference: nothing is flushed and entries that are already right are not rewritten.
 * `reconcile()` then applies only the keys the desired tables report as changed.
 *
 * Order within a run: ipcache; each endpoint's policy map before its `endpoints` entry (an
 * endpoint whose policy map could not take its entries keeps its old entry); removed endpoints'
 * entries before their policy maps; then LB so no packet meets a slot naming a missing backend:
 * backends, slots, rev-NAT, masters written, then masters, slots, rev-NAT, backends deleted
 * (see LbSync for what waits when one of them is full).
 *
 * A full map is recorded (status, counter, callback) and its entries stay pending: the
 * desired state is kept and the next run retries.
 */
export class DatapathReconciler {
  readonly #desired: DesiredDatapath;
  readonly #maps: DatapathMaps;
  readonly #onMapFull: ((record: MapFullRecord, error: Error) => void) | undefined;
  readonly #ipcache: MapSync<IpcacheKey, IpcacheValue>;
  readonly #endpoints: MapSync<EndpointKey, EndpointValue>;
  readonly #lb4Services: MapSync<Lb4ServiceKey, Lb4ServiceValue>;
  readonly #lb4Backends: MapSync<Lb4BackendKey, Lb4BackendValue>;
  readonly #lb4RevNat: MapSync<Lb4RevNatKey, Lb4RevNatValue>;
  readonly #lb: LbSync;
  readonly #policies = new Map<number, MapSync<PolicyKey, PolicyValue>>();
  /** Policy maps to remove once their endpoints' entries are gone. */
  readonly #policyRemovals = new Set<number>();
  readonly #mapFull = new Map<string, MapFullRecord>();
  readonly #totals = new OperationCounter();
  #mapFullErrors = 0;
  #runs = 0;
  #started = false;

  constructor(desired: DesiredDatapath, maps: DatapathMaps, options: DatapathReconcilerOptions = {}) {
    this.#desired = desired;
    this.#maps = maps;
    this.#onMapFull = options.onMapFull;
    this.#ipcache = new MapSync(maps.ipcache.name, maps.ipcache, desired.ipcache);
    this.#endpoints = new MapSync(maps.endpoints.name, maps.endpoints, desired.endpoints);
    this.#lb4Services = new MapSync(maps.lb4Services.name, maps.lb4Services, desired.lb4Services);
    this.#lb4Backends = new MapSync(maps.lb4Backends.name, maps.lb4Backends, desired.lb4Backends);
    this.#lb4RevNat = new MapSync(maps.lb4RevNat.name, maps.lb4RevNat, desired.lb4RevNat);
    this.#lb = new LbSync(this.#lb4Services, this.#lb4Backends, this.#lb4RevNat);
  }

  /** Reads the maps back and reconciles in full, without flushing. */
  start(): ReconcileStats {
    const readBack = this.#maps.endpoints.dump().map((e) => ({ ip: e.key.ip, endpointId: e.value.endpointId }));
    this.#desired.seedEndpointIds(readBack);
    this.#desired.takePolicyMapChanges(); // superseded by the full diff below
    this.#ipcache.diffAgainstMap();
    this.#endpoints.diffAgainstMap();
    this.#lb.diffAgainstMaps();
    const live = new Set(this.#desired.policyMapIds());
    for (const id of live) this.#policySync(id)?.diffAgainstMap();
    for (const id of this.#maps.policyMapIds()) if (!live.has(id)) this.#policyRemovals.add(id);
    this.#started = true;
    return this.#run();
  }

  /** Applies what changed in the desired state since the last run (starting first if needed). */
  reconcile(): ReconcileStats {
    if (!this.#started) return this.start();
    for (const sync of this.#globalSyncs()) sync.takeTableChanges();
    const { changed, removed } = this.#desired.takePolicyMapChanges();
    for (const { endpointId, changes } of changed) this.#policySync(endpointId)?.addChanges(changes);
    for (const id of removed) this.#policyRemovals.add(id);
    return this.#run();
  }

  /** Keys (in every map) whose operation has not landed yet. */
  get pendingOperations(): number {
    let pending = 0;
    for (const sync of this.#globalSyncs()) pending += sync.pendingCount;
    for (const sync of this.#policies.values()) pending += sync.pendingCount;
    return pending;
  }

  /**
   * The fill of every map it writes, cheap enough for every scrape (no map is read: pending
   * keys correct the desired sizes). Policy maps are summed up as the fullest of them, since
   * the one closest to full is what fails first. Empty before the first start.
   */
  mapFill(): MapFill[] {
    if (!this.#started) return [];
    const fills: MapFill[] = this.#globalSyncs().map((s) => ({ map: s.map.name, entries: s.mapEntries(), capacity: s.map.capacity }));
    let fullest: MapFill | undefined;
    for (const sync of this.#policies.values()) {
      const fill = { map: POLICY_STAT, entries: sync.mapEntries(), capacity: sync.map.capacity };
      if (!fullest || fill.entries / fill.capacity > fullest.entries / fullest.capacity) fullest = fill;
    }
    if (fullest) fills.push(fullest);
    return fills;
  }

  status(): ReconcilerStatus {
    return {
      started: this.#started,
      runs: this.#runs,
      mapFull: [...this.#mapFull.values()],
      mapFullErrors: this.#mapFullErrors,
      pendingOperations: this.pendingOperations,
      totals: this.#totals.stats(),
    };
  }

  #globalSyncs(): SyncProgress[] {
    return [this.#ipcache, this.#endpoints, this.#lb4Services, this.#lb4Backends, this.#lb4RevNat];
  }

  /** The sync of a live endpoint's policy map (creating the map when missing). */
  #policySync(endpointId: number): MapSync<PolicyKey, PolicyValue> | undefined {
    const table = this.#desired.policyTable(endpointId);
    if (table === undefined) return undefined;
    let sync = this.#policies.get(endpointId);
    if (sync === undefined || sync.table !== table) {
      const map = this.#maps.policy(endpointId);
      const fresh = new MapSync(POLICY_STAT, map, table);
      // A new table over an existing map (an id reused after its old map was marked for
      // removal) must not inherit the old endpoint's entries: diff it against the map.
      if (sync !== undefined || this.#policyRemovals.has(endpointId)) fresh.diffAgainstMap();
      this.#policyRemovals.delete(endpointId);
      this.#policies.set(endpointId, (sync = fresh));
    }
    return sync;
  }

  #run(): ReconcileStats {
    this.#runs++;
    const counter = new OperationCounter();

    // ipcache: no ordering constraint with the other maps.
    this.#outcome(this.#ipcache.applyUpserts(this.#ipcache.upserts(), counter), this.#ipcache);
    this.#ipcache.applyDeletes(this.#ipcache.deletes(), counter);

    // Policy maps first, denies first, so a map that fills up fails closed.
    const held = new Set<number>();
    for (const [id, sync] of this.#policies) {
      if (this.#desired.policyTable(id) !== sync.table) continue;
      const upserts = sync.upserts().sort((a, b) => (a.value.action === b.value.action ? 0 : a.value.action === 'deny' ? -1 : 1));
      let outcome = sync.applyUpserts(upserts, counter);
      sync.applyDeletes(sync.deletes(), counter);
      // The deletes may have made room.
      if (!outcome.ok) outcome = sync.applyUpserts(sync.upserts(), counter);
      this.#outcome(outcome, sync, id);
      if (!outcome.ok) held.add(id);
    }

    // Endpoint entries once their policy maps are complete.
    const endpointUpserts = this.#endpoints.upserts((e) => !held.has(e.value.endpointId));
    for (const e of endpointUpserts) this.#policySync(e.value.endpointId);
    this.#outcome(this.#endpoints.applyUpserts(endpointUpserts, counter), this.#endpoints);
    this.#endpoints.applyDeletes(this.#endpoints.deletes(), counter);

    // Policy maps of endpoints that left, after their entries.
    for (const id of [...this.#policyRemovals]) {
      if (this.#desired.policyTable(id) !== undefined) {
        this.#policySync(id); // reused meanwhile: diffed instead of removed
        continue;
      }
      this.#maps.removePolicy(id);
      this.#policies.get(id)?.clearPending();
      this.#policies.delete(id);
      this.#mapFull.delete(`${MAP_NAMES.policyPrefix}${id}`);
      this.#policyRemovals.delete(id);
    }
    for (const id of [...this.#policies.keys()]) if (this.#desired.policyTable(id) === undefined && !this.#policyRemovals.has(id)) this.#policies.delete(id);

    this.#lb.run(counter, (outcome, sync) => this.#outcome(outcome, sync));

    const stats = counter.stats();
    this.#totals.addAll(stats);
    return stats;
  }

  #outcome(outcome: ApplyOutcome, sync: SyncProgress, endpointId?: number): void {
    const name = sync.map.name;
    if (outcome.ok) {
      if (this.#mapFull.has(name) && !sync.hasPendingUpserts()) this.#mapFull.delete(name);
      return;
    }
    this.#mapFullErrors++;
    const error: MapFullError = outcome.error;
    const record: MapFullRecord = {
      map: name,
      capacity: error.capacity,
      pending: sync.pendingUpsertCount(),
      ...(endpointId === undefined ? {} : { endpointId }),
    };
    const previous = this.#mapFull.get(name);
    this.#mapFull.set(name, record);
    // Retries meet the same full map every run: told once per change, counted every time.
    if (previous?.pending !== record.pending || previous.capacity !== record.capacity) this.#onMapFull?.(record, error);
  }
}
