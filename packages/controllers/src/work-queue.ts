/** Counters of one queue, for status. */
export interface WorkQueueStats {
  readonly queued: number;
  readonly retrying: number;
  readonly syncs: number;
  readonly failures: number;
  readonly lastError: string | undefined;
}

/**
 * Keys to sync, one at a time, each at most once in the queue (as client-go's workqueue): a
 * key added while it is being synced runs again afterwards. A failed sync is retried after a
 * delay doubling per consecutive failure of that key, from `initialMs` to `maxMs`.
 */
export class WorkQueue {
  private readonly ready = new Set<string>();
  private readonly failuresByKey = new Map<string, number>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private syncs = 0;
  private failures = 0;
  private lastError: string | undefined;

  constructor(
    private readonly sync: (key: string) => Promise<void>,
    private readonly onError: (key: string, error: unknown, retryInMs: number) => void,
    private readonly backoff: { readonly initialMs: number; readonly maxMs: number } = { initialMs: 200, maxMs: 30_000 },
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.ready.add(key);
    this.wake?.();
  }

  /** Starts the worker; keys added before wait until now (the caches are filled first). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Waits for the sync in progress and drops the rest. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.retryTimers.values()) clearTimeout(t);
    this.retryTimers.clear();
    this.ready.clear();
    this.wake?.();
    await this.loop;
  }

  stats(): WorkQueueStats {
    return { queued: this.ready.size, retrying: this.retryTimers.size, syncs: this.syncs, failures: this.failures, lastError: this.lastError };
  }

  private async run(): Promise<void> {
    let sinceYield = 0;
    while (!this.stopped) {
      const key = this.ready.values().next().value;
      if (key === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      this.ready.delete(key);
      try {
        await this.sync(key);
        this.failuresByKey.delete(key);
      } catch (error) {
        this.retryLater(key, error);
      }
      this.syncs += 1;
      // Syncs that decide "nothing to do" never leave the microtask queue; let I/O in.
      if (++sinceYield >= 64) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  private retryLater(key: string, error: unknown): void {
    const attempt = (this.failuresByKey.get(key) ?? 0) + 1;
    this.failuresByKey.set(key, attempt);
    this.failures += 1;
    this.lastError = `${key}: ${error instanceof Error ? error.message : String(error)}`;
    const delay = Math.min(this.backoff.initialMs * 2 ** (attempt - 1), this.backoff.maxMs);
    this.onError(key, error, delay);
    clearTimeout(this.retryTimers.get(key));
    this.retryTimers.set(
      key,
      setTimeout(() => {
        this.retryTimers.delete(key);
        this.add(key);
      }, delay),
    );
  }
}
