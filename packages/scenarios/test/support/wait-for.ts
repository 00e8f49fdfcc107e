/** How long a scenario waits for one condition before it fails, naming what it waited for. */
export const WAIT_MS = 60_000;

/** A condition did not hold in time; `what` names it. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly last: string | undefined,
  ) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : ` (last: ${last})`}`);
  }
}

/**
 * Polls `probe` until it returns something other than undefined. `describe` (optional) says what
 * the last probe saw, for the timeout message. Polling, not sleeping: the condition decides.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, options: { timeoutMs?: number; describe?: () => string } = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? WAIT_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new WaitTimeoutError(what, timeoutMs, options.describe?.());
    await new Promise((r) => setTimeout(r, 20));
  }
}
