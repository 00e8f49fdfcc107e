/** Retry delays: `firstMs`, doubling on each failure up to `maxMs`; `reset()` after a success. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly firstMs: number,
    private readonly maxMs: number,
  ) {}

  next(): number {
    const delay = Math.min(this.maxMs, this.firstMs * 2 ** this.attempt);
    if (delay < this.maxMs) this.attempt += 1;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}
