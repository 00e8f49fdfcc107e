/** One measured figure. Metric names end in their unit (`_per_s`, `_ms`, `_mib`). */
export interface Figure {
  readonly suite: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
}

/** Prints a figure as it is measured: a JSON line with --json, an aligned line otherwise. */
export function reporter(json: boolean): (f: Figure) => void {
  return (f) => {
    const value = Number.isInteger(f.value) ? f.value : Number(f.value.toFixed(3));
    if (json) process.stdout.write(`${JSON.stringify({ suite: f.suite, metric: f.metric, value, unit: f.unit })}\n`);
    else process.stdout.write(`${f.suite.padEnd(10)} ${f.metric.padEnd(34)} ${String(value).padStart(12)} ${f.unit}\n`);
  };
}

/** The q-quantile (0..1) of a sample, by nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function rssMiB(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}
