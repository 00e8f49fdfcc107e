/** One reading of both clocks. */
export interface ClockReading {
  /** CLOCK_MONOTONIC in ns: what bpf_ktime_get_ns returns (process.hrtime.bigint() reads the same clock). */
  readonly monotonicNs: bigint;
  /** Wall clock, ms since the epoch. */
  readonly wallMs: number;
}

export function readClocks(): ClockReading {
  // The wall clock read between two monotonic reads; their midpoint is its monotonic time.
  const before = process.hrtime.bigint();
  const wallMs = Date.now();
  const after = process.hrtime.bigint();
  return { monotonicNs: before + (after - before) / 2n, wallMs };
}

// The wall clock moves against the monotonic one (NTP slews and steps it): the offset is
// measured again at this interval rather than once at start.
const REFRESH_MS = 10_000;

/**
 * Turns the datapath's timestamps (monotonic ns since boot) into wall time with one offset,
 * measured when made and again by `refresh()` (once per batch of records; it re-measures every
 * 10 s): a flow costs one addition, no clock read.
 */
export class FlowClock {
  readonly #read: () => ClockReading;
  #offsetNs = 0n;
  #measuredAtMs = Number.NEGATIVE_INFINITY;

  constructor(read: () => ClockReading = readClocks) {
    this.#read = read;
    this.refresh();
  }

  /** Wall ms of a monotonic ns timestamp. */
  wallMs(monotonicNs: bigint): number {
    return Number((monotonicNs + this.#offsetNs) / 1_000_000n);
  }

  /** ISO-8601 (ms) of a monotonic ns timestamp. */
  isoTime(monotonicNs: bigint): string {
    return new Date(this.wallMs(monotonicNs)).toISOString();
  }

  /** The monotonic ns of now (what records written from now on are later than). */
  nowMonotonicNs(): bigint {
    return this.#read().monotonicNs;
  }

  /** Measures the offset again when the last measure is 10 s old (or the wall clock went back). */
  refresh(): void {
    const reading = this.#read();
    if (reading.wallMs - this.#measuredAtMs < REFRESH_MS && reading.wallMs >= this.#measuredAtMs) return;
    this.#offsetNs = BigInt(reading.wallMs) * 1_000_000n - reading.monotonicNs;
    this.#measuredAtMs = reading.wallMs;
  }
}
