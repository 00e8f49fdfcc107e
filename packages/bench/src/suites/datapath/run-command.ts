import { spawnSync } from 'node:child_process';

/** A command the bench runs to set up or tear down its network exited non-zero or did not start. */
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

/** Runs a command to completion and returns its stdout (setup steps are short and in order). */
export function runCommand(command: string, args: readonly string[], input?: string): string {
  const r = spawnSync(command, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  if (r.error || r.status !== 0) throw new CommandFailedError(command, args, r.status, r.error?.message ?? r.stderr ?? '', { cause: r.error });
  return r.stdout;
}

/** `ip -batch -` in the host's network namespace or, with `netns` (a name), inside it. */
export function ipBatch(lines: readonly string[], netns?: string): void {
  const args = netns === undefined ? ['-batch', '-'] : ['-n', netns, '-batch', '-'];
  runCommand('ip', args, `${lines.join('\n')}\n`);
}
