/** A change did not show up in the maps in time. */
export class PropagationTimeoutError extends Error {
  override readonly name = 'PropagationTimeoutError';
  constructor(
    readonly change: string,
    readonly waitedMs: number,
  ) {
    super(`agent bench: ${change} not in the maps after ${Math.round(waitedMs)} ms`);
  }
}

export interface TimedChanges {
  readonly count: number;
  /** Makes change k through the API; resolves when the API server answered. */
  apply(k: number): Promise<void>;
  /** Whether change k is in the maps now. */
  landed(k: number): boolean;
  describe(k: number): string;
}

const POLL_MS = 1;
const TIMEOUT_MS = 30_000;

/**
 * Makes the changes one after another, each timed from just before its API request until the
 * maps hold it (polled every millisecond), and returns the times sorted.
 */
export async function timeChanges(changes: TimedChanges): Promise<number[]> {
  const times: number[] = [];
  for (let k = 0; k < changes.count; k++) {
    const t0 = performance.now();
    await changes.apply(k);
    while (!changes.landed(k)) {
      if (performance.now() - t0 > TIMEOUT_MS) throw new PropagationTimeoutError(changes.describe(k), performance.now() - t0);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}
