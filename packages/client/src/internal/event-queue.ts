/**
 * A bounded queue from several producers (one per service feed) to one consumer (the
 * iterator). `put` waits while the queue is full, so a slow caller slows delivery down
 * instead of growing memory. After `close` puts return false and `take` returns undefined.
 */
export class EventQueue<T> {
  private readonly items: T[] = [];
  private readonly takers: Array<(item: T | undefined) => void> = [];
  private readonly waitingForRoom: Array<() => void> = [];
  private closed = false;

  constructor(private readonly capacity: number) {}

  async put(item: T): Promise<boolean> {
    while (!this.closed && this.items.length >= this.capacity) {
      await new Promise<void>((resolve) => this.waitingForRoom.push(resolve));
    }
    if (this.closed) return false;
    const taker = this.takers.shift();
    if (taker) taker(item);
    else this.items.push(item);
    return true;
  }

  take(): Promise<T | undefined> {
    if (this.items.length > 0) {
      const item = this.items.shift()!;
      this.waitingForRoom.shift()?.();
      return Promise.resolve(item);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.takers.push(resolve));
  }

  /** Drops what is queued and wakes everybody. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.items.length = 0;
    for (const taker of this.takers.splice(0)) taker(undefined);
    for (const wake of this.waitingForRoom.splice(0)) wake();
  }
}
