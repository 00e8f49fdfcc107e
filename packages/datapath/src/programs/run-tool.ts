import { spawnSync } from 'node:child_process';

/** The result of a command that ran (or failed to start). */
export interface ToolRun {
  readonly ok: boolean;
  readonly stdout: string;
  /** stderr, else stdout, else the exit status: what to put in an error. */
  readonly detail: string;
}

/** Runs a command to completion (tc, bpftool): they are quick and the callers are synchronous. */
export function runTool(cmd: string, args: readonly string[]): ToolRun {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  const detail = r.error?.message ?? (r.stderr.trim() || r.stdout.trim() || `exit ${String(r.status)}`);
  return { ok: r.status === 0 && !r.error, stdout: r.stdout ?? '', detail: `${cmd} ${args.join(' ')}: ${detail}` };
}
