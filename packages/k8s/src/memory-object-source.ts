import type { KubeObject } from './kube-types.js';
import { objectKey, type ObjectChange, type ObjectSource } from './object-source.js';

/**
 * An in-memory ObjectSource with the same delivery rules as the informer one, for the pure
 * domain tests: `upsert` and `delete` are what a watch would deliver.
 */
export class MemoryObjectSource<T extends KubeObject> implements ObjectSource<T> {
  private readonly objects = new Map<string, T>();
  private handler: ((change: ObjectChange<T>) => void | Promise<void>) | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly kind: string,
    initial: readonly T[] = [],
  ) {
    for (const o of initial) this.objects.set(objectKey(o), o);
  }

  async start(handler: (change: ObjectChange<T>) => void | Promise<void>): Promise<void> {
    this.handler = handler;
    for (const object of this.objects.values()) await handler({ type: 'upsert', object });
  }

  async stop(): Promise<void> {
    await this.queue;
    this.handler = undefined;
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  /** Adds or replaces an object and delivers the change; resolves once the handler is done. */
  upsert(object: T): Promise<void> {
    this.objects.set(objectKey(object), object);
    return this.deliver({ type: 'upsert', object });
  }

  delete(object: T): Promise<void> {
    this.objects.delete(objectKey(object));
    return this.deliver({ type: 'delete', object });
  }

  private deliver(change: ObjectChange<T>): Promise<void> {
    const h = this.handler;
    this.queue = this.queue.then(() => (h ? h(change) : undefined));
    return this.queue;
  }
}
