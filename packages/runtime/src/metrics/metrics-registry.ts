import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registerConsumerLagGauges } from './consumer-lag-gauges.js';
import type { HistogramSpec, MetricSpec } from './metric-spec.js';

let registry: Registry | undefined;

/**
 * The process's one Prometheus registry, created on first use with prom-client's default
 * Node process metrics (`process_*`, `nodejs_*`) and the lag of the process's event consumers.
 * Every StatusServer serves it at `/metrics`.
 * One per process rather than one per component: a test or a `netledger up --foreground` may
 * host several components in one process, and Prometheus scrapes a process, not a component.
 */
export function metricsRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
    registerConsumerLagGauges(registry);
  }
  return registry;
}

/** A metric name is already registered with another type or other labels. */
export class MetricConflictError extends Error {
  constructor(
    readonly metric: string,
    readonly reason: string,
  ) {
    super(`metric ${metric}: ${reason}`);
    this.name = 'MetricConflictError';
  }
}

// Components hosted twice in one process (tests) share the metric rather than failing to
// register it again; a different type or label set under one name is a programming error.
function existing<M>(spec: MetricSpec<string>, type: abstract new (...args: never[]) => M): M | undefined {
  const found = metricsRegistry().getSingleMetric(spec.name);
  if (!found) return undefined;
  if (!(found instanceof type)) throw new MetricConflictError(spec.name, `already registered as another metric type`);
  const labels = (found as unknown as { labelNames: readonly string[] }).labelNames;
  if (labels.join(',') !== spec.labelNames.join(',')) {
    throw new MetricConflictError(spec.name, `already registered with labels [${labels.join(',')}], not [${spec.labelNames.join(',')}]`);
  }
  return found;
}

/** The process's counter named by `spec`, registered on first use. */
export function processCounter<L extends string>(spec: MetricSpec<L>): Counter<L> {
  return existing(spec, Counter<L>) ?? new Counter<L>({ ...spec, labelNames: [...spec.labelNames], registers: [metricsRegistry()] });
}

/** The process's gauge named by `spec` (set in place), registered on first use. */
export function processGauge<L extends string>(spec: MetricSpec<L>): Gauge<L> {
  return existing(spec, Gauge<L>) ?? new Gauge<L>({ ...spec, labelNames: [...spec.labelNames], registers: [metricsRegistry()] });
}

/** The process's histogram named by `spec`, registered on first use. */
export function processHistogram<L extends string>(spec: HistogramSpec<L>): Histogram<L> {
  return (
    existing(spec, Histogram<L>) ??
    new Histogram<L>({ ...spec, labelNames: [...spec.labelNames], buckets: [...spec.buckets], registers: [metricsRegistry()] })
  );
}
