import { readFileSync, writeFileSync } from 'node:fs';
import { DatapathBenchError } from './datapath-bench-error.js';
import { runCommand } from './run-command.js';

const STATS_SYSCTL = '/proc/sys/kernel/bpf_stats_enabled';

/** Runs of one BPF program and the time spent in them, as the kernel counts them. */
export interface ProgramRunStats {
  readonly runs: number;
  readonly runTimeNs: number;
}

/**
 * Turns the kernel's per-program run statistics on (kernel.bpf_stats_enabled) and returns the
 * step that puts the switch back as it was: off again only if this turned it on. The cost of
 * the programs alone, per packet, says whether the service count matters even when the
 * connection rate moves with everything else running on a shared machine.
 */
export function enableProgramStats(): () => void {
  if (readFileSync(STATS_SYSCTL, 'utf8').trim() !== '0') return () => {};
  writeFileSync(STATS_SYSCTL, '1\n');
  return () => writeFileSync(STATS_SYSCTL, '0\n');
}

/** The run count and run time of the program pinned at `path` (bpftool prog show). */
export function programRunStats(bpftool: string, path: string): ProgramRunStats {
  const info = JSON.parse(runCommand(bpftool, ['-j', 'prog', 'show', 'pinned', path])) as { run_cnt?: unknown; run_time_ns?: unknown };
  const runs = Number(info.run_cnt ?? 0);
  const runTimeNs = Number(info.run_time_ns ?? 0);
  if (!Number.isFinite(runs) || !Number.isFinite(runTimeNs)) throw new DatapathBenchError(`program ${path}`, `bpftool gave run_cnt ${String(info.run_cnt)}, run_time_ns ${String(info.run_time_ns)}`);
  return { runs, runTimeNs };
}

/** Mean nanoseconds per run between two readings; NaN when the program did not run. */
export function nsPerRun(before: ProgramRunStats, after: ProgramRunStats): number {
  const runs = after.runs - before.runs;
  return runs > 0 ? (after.runTimeNs - before.runTimeNs) / runs : NaN;
}
