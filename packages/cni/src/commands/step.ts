import { CniError } from '../cni-error.js';
import { CommandFailedError } from '@netledger/datapath';

/**
 * Runs one step of a command; a failure that is not already a CniError becomes one with
 * `code`, a message naming the step, and the failing command's stderr as details.
 */
export function step<T>(code: number, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CniError) throw e;
    const details = e instanceof CommandFailedError ? e.message : undefined;
    const reason = e instanceof CommandFailedError ? e.stderr.trim() || e.message : (e as Error).message;
    throw new CniError(code, `${what}: ${reason}`, details, { cause: e });
  }
}
