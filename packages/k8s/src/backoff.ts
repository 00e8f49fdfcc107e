/**
 * Exponential backoff: `next()` doubles from `initialMs` up to `maxMs`; `reset()` after a
 * success starts over. `attempt` counts failures since the last reset.
 */
export class Backoff {
  private current = 0;
  attempt = 0;

  constructor(
    readonly initialMs: number,
    readonly maxMs: number,
  ) {
    if (!(initialMs > 0) || !(maxMs >= initialMs)) throw new RangeError(`backoff ${initialMs} ms -> ${maxMs} ms: need 0 < initial <= max`);
  }

  next(): number {
    this.current = this.current === 0 ? this.initialMs : Math.min(this.current * 2, this.maxMs);
    this.attempt += 1;
    return this.current;
  }

  /** True once the delay stopped growing. */
  get atMax(): boolean {
    return this.current >= this.maxMs;
  }

  reset(): void {
    this.current = 0;
    this.attempt = 0;
  }
}
