/** Operations on one map (or, for `nl_policy`, on every per-endpoint policy map). */
export interface MapOperationCounts {
  updates: number;
  deletes: number;
}

/** What one reconcile run (or every run so far) wrote. */
export interface ReconcileStats {
  readonly updates: number;
  readonly deletes: number;
  readonly byMap: Readonly<Record<string, Readonly<MapOperationCounts>>>;
}

/** Counts operations by map while a run goes. */
export class OperationCounter {
  readonly #byMap = new Map<string, MapOperationCounts>();

  add(map: string, updates: number, deletes: number): void {
    if (updates === 0 && deletes === 0) return;
    let c = this.#byMap.get(map);
    if (c === undefined) this.#byMap.set(map, (c = { updates: 0, deletes: 0 }));
    c.updates += updates;
    c.deletes += deletes;
  }

  addAll(stats: ReconcileStats): void {
    for (const [map, c] of Object.entries(stats.byMap)) this.add(map, c.updates, c.deletes);
  }

  stats(): ReconcileStats {
    let updates = 0;
    let deletes = 0;
    const byMap: Record<string, MapOperationCounts> = {};
    for (const [map, c] of [...this.#byMap].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      updates += c.updates;
      deletes += c.deletes;
      byMap[map] = { ...c };
    }
    return { updates, deletes, byMap };
  }
}
