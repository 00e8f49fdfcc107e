import { objectKey, type KubeObject, type ObjectChange } from '@netledger/k8s';

interface PendingWrite<T> {
  /** The object as the server returned it; undefined: deleted. */
  readonly object: T | undefined;
  readonly resourceVersion: bigint | undefined;
  readonly at: number;
}

/**
 * Objects of one kind as the informer delivered them, plus the writes this process made that
 * the informer has not delivered yet. Without the second part, a controller syncing again
 * before its own write came back through the watch would create a pod twice or delete one
 * twice (client-go's controllers keep "expectations" for the same reason).
 *
 * A pending write is dropped once the informer delivers that object at the written
 * resourceVersion or later, or after `pendingTtlMs` (a relist may skip an object that came
 * and went).
 */
export class ObjectView<T extends KubeObject> {
  private readonly observed = new Map<string, T>();
  private readonly byNamespace = new Map<string, Map<string, T>>();
  private readonly pending = new Map<string, PendingWrite<T>>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly pendingTtlMs = 60_000,
  ) {}

  /** Records a delivered change; returns the object as the informer had it before. */
  observe(change: ObjectChange<T>): T | undefined {
    const key = objectKey(change.object);
    const namespace = change.object.metadata.namespace ?? '';
    const before = this.observed.get(key);
    if (change.type === 'upsert') {
      this.observed.set(key, change.object);
      let bucket = this.byNamespace.get(namespace);
      if (!bucket) this.byNamespace.set(namespace, (bucket = new Map()));
      bucket.set(key, change.object);
    } else {
      this.observed.delete(key);
      const bucket = this.byNamespace.get(namespace);
      bucket?.delete(key);
      if (bucket?.size === 0) this.byNamespace.delete(namespace);
    }
    const pending = this.pending.get(key);
    if (pending && !ahead(pending.resourceVersion, versionOf(change.object))) this.pending.delete(key);
    return before;
  }

  /** An object this process created or changed, as the server returned it. */
  wrote(object: T): void {
    const key = objectKey(object);
    const version = versionOf(object);
    const seen = this.observed.get(key);
    if (seen && seen.metadata.uid === object.metadata.uid && !ahead(version, versionOf(seen))) return;
    this.pending.set(key, { object, resourceVersion: version, at: this.now() });
  }

  /** An object this process deleted, as the server returned it (stamped with the deletion's version). */
  removed(object: T): void {
    const key = objectKey(object);
    if (!this.observed.has(key)) {
      this.pending.delete(key);
      return;
    }
    this.pending.set(key, { object: undefined, resourceVersion: versionOf(object), at: this.now() });
  }

  get(key: string): T | undefined {
    const pending = this.livePending(key);
    return pending ? pending.object : this.observed.get(key);
  }

  /** Objects of one namespace (`''` for cluster-scoped kinds). */
  inNamespace(namespace: string): T[] {
    const bucket = this.byNamespace.get(namespace);
    const out = new Map<string, T>(bucket ?? []);
    for (const key of [...this.pending.keys()]) {
      if (namespaceOf(key) !== namespace) continue;
      const pending = this.livePending(key);
      if (!pending) continue;
      if (pending.object) out.set(key, pending.object);
      else out.delete(key);
    }
    return [...out.values()];
  }

  all(): T[] {
    const out = new Map<string, T>(this.observed);
    for (const key of [...this.pending.keys()]) {
      const pending = this.livePending(key);
      if (!pending) continue;
      if (pending.object) out.set(key, pending.object);
      else out.delete(key);
    }
    return [...out.values()];
  }

  /** Objects the informer delivered (without this process's pending writes). */
  get observedCount(): number {
    return this.observed.size;
  }

  /** Writes of this process the informer has not delivered yet. */
  get pendingCount(): number {
    return this.pending.size;
  }

  private livePending(key: string): PendingWrite<T> | undefined {
    const pending = this.pending.get(key);
    if (!pending) return undefined;
    if (this.now() - pending.at > this.pendingTtlMs) {
      this.pending.delete(key);
      return undefined;
    }
    return pending;
  }
}

function namespaceOf(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

/**
 * resourceVersions are opaque to clients, but every API server we talk to (etcd revisions,
 * the local server's counter) issues increasing integers; anything else compares as unknown.
 */
function versionOf(o: KubeObject): bigint | undefined {
  const rv = o.metadata.resourceVersion;
  return /^\d+$/.test(rv) ? BigInt(rv) : undefined;
}

/** True when `written` is known to be newer than `delivered`. */
function ahead(written: bigint | undefined, delivered: bigint | undefined): boolean {
  return written !== undefined && delivered !== undefined && written > delivered;
}
