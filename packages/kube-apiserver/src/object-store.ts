import type { ChangeEvent } from './change-event.js';
import type { KubeObject, StoredObject } from './kube-object.js';
import type { StatePersistence } from './state-persistence.js';
import { WatchHub } from './watch-hub.js';

/** One write inside an atomic commit. */
export type Mutation =
  | { readonly op: 'put'; readonly resource: string; readonly object: KubeObject }
  | { readonly op: 'delete'; readonly resource: string; readonly namespace: string; readonly name: string };

/**
 * All objects in memory, written through to persistence. `commit` stamps each mutation with the
 * next resourceVersion, persists them atomically, then updates memory and notifies watches; if
 * persistence throws, memory is untouched. Returned objects are shared: callers copy before editing.
 */
export class ObjectStore {
  private readonly objects = new Map<string, Map<string, StoredObject>>();
  private rv: number;
  readonly hub: WatchHub;

  constructor(
    private readonly persistence: StatePersistence,
    readonly watchHistory: number,
  ) {
    const state = persistence.load();
    this.rv = state.resourceVersion;
    for (const { resource, object } of state.objects) this.bucket(resource).set(keyOf(object), object);
    this.hub = new WatchHub(watchHistory, state.history);
  }

  get resourceVersion(): number {
    return this.rv;
  }

  get(resource: string, namespace: string, name: string): StoredObject | undefined {
    return this.objects.get(resource)?.get(`${namespace}/${name}`);
  }

  /** Objects of a resource sorted by namespace then name; all namespaces when `namespace` is undefined. */
  list(resource: string, namespace?: string): StoredObject[] {
    const all = [...(this.objects.get(resource)?.values() ?? [])];
    const selected = namespace === undefined ? all : all.filter((o) => (o.metadata.namespace ?? '') === namespace);
    return selected.sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  }

  commit(mutations: readonly Mutation[]): ChangeEvent[] {
    let next = this.rv;
    const staged = new Map<string, StoredObject | undefined>();
    const events: ChangeEvent[] = [];
    for (const m of mutations) {
      next += 1;
      const resourceVersion = String(next);
      if (m.op === 'put') {
        const key = `${m.resource}|${keyOf(m.object)}`;
        const previous = staged.has(key) ? staged.get(key) : this.get(m.resource, m.object.metadata.namespace ?? '', m.object.metadata.name ?? '');
        const object = { ...m.object, metadata: { ...m.object.metadata, resourceVersion } } as StoredObject;
        staged.set(key, object);
        events.push({ resourceVersion: next, type: previous ? 'MODIFIED' : 'ADDED', resource: m.resource, object, ...(previous ? { previous } : {}) });
      } else {
        const key = `${m.resource}|${m.namespace}/${m.name}`;
        const previous = staged.has(key) ? staged.get(key) : this.get(m.resource, m.namespace, m.name);
        if (!previous) {
          next -= 1;
          continue;
        }
        staged.set(key, undefined);
        const object = { ...previous, metadata: { ...previous.metadata, resourceVersion } };
        events.push({ resourceVersion: next, type: 'DELETED', resource: m.resource, object, previous });
      }
    }
    if (events.length === 0) return events;
    this.persistence.commit(events, next - this.watchHistory);
    this.rv = next;
    for (const e of events) {
      if (e.type === 'DELETED') this.objects.get(e.resource)?.delete(keyOf(e.object));
      else this.bucket(e.resource).set(keyOf(e.object), e.object);
    }
    this.hub.publish(events);
    return events;
  }

  close(): void {
    this.persistence.close();
  }

  private bucket(resource: string): Map<string, StoredObject> {
    let b = this.objects.get(resource);
    if (!b) {
      b = new Map();
      this.objects.set(resource, b);
    }
    return b;
  }
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
