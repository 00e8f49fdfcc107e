import type { ChangeEvent } from './change-event.js';

/** Result of asking for the changes after a resourceVersion. */
export type ReplayResult =
  | { readonly ok: true; readonly events: readonly ChangeEvent[] }
  | { readonly ok: false; readonly oldestKept: number };

/**
 * Fans committed changes out to live watches and keeps the last `capacity` of them, so a watch can
 * resume from a recent resourceVersion. Older versions are gone: such watches get 410 Expired.
 * Delivery is synchronous with the commit, so a replay followed by `subscribe` in the same tick
 * neither misses nor repeats an event.
 */
export class WatchHub {
  private history: ChangeEvent[] = [];
  private readonly subscribers = new Set<(event: ChangeEvent) => void>();

  constructor(
    readonly capacity: number,
    seed: readonly ChangeEvent[] = [],
  ) {
    this.history = seed.slice(-capacity);
  }

  /** Changes with resourceVersion above `after`, or the oldest kept version when some are gone. */
  since(after: number, current: number): ReplayResult {
    if (after >= current) return { ok: true, events: [] };
    const oldestKept = this.history[0]?.resourceVersion ?? current + 1;
    if (after + 1 < oldestKept) return { ok: false, oldestKept };
    return { ok: true, events: this.history.filter((e) => e.resourceVersion > after) };
  }

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  publish(events: readonly ChangeEvent[]): void {
    this.history.push(...events);
    const excess = this.history.length - this.capacity;
    if (excess > 0) this.history.splice(0, excess);
    for (const event of events) {
      for (const listener of [...this.subscribers]) listener(event);
    }
  }
}
