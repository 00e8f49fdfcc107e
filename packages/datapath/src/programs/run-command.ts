import { spawnSync } from 'node:child_process';

/** A command exited non-zero or could not start. */
export class CommandFailedError extends Error {
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly status: number | null,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(`${[command, ...args].join(' ')}: ${stderr.trim() || (status === null ? 'did not run' : `exit ${status}`)}`, options);
    this.name = 'CommandFailedError';
  }
}

/**
 * Runs a command to completion and returns its stdout. Synchronous on purpose: its callers (the CNI
 * plugin, network set-up) are short-lived and do one thing at a time.
 */
export function runCommand(command: string, args: readonly string[], input?: string): string {
  const r = spawnSync(command, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  if (r.error || r.status !== 0) {
    throw new CommandFailedError(command, args, r.status, r.error?.message ?? r.stderr ?? '', { cause: r.error });
  }
  return r.stdout;
}
