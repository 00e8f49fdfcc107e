/** What names a metric: prom-client's name, help and label names. */
export interface MetricSpec<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
}

/** A histogram's spec with its bucket upper bounds (seconds for `_seconds` metrics). */
export interface HistogramSpec<L extends string> extends MetricSpec<L> {
  readonly buckets: readonly number[];
}
