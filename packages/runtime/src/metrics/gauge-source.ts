import { Gauge } from 'prom-client';
import type { MetricSpec } from './metric-spec.js';
import { MetricConflictError, metricsRegistry } from './metrics-registry.js';

/** One sample of a computed gauge. */
export interface GaugeSample<L extends string> {
  readonly labels: Readonly<Record<L, string>>;
  readonly value: number;
}

/** Computes a gauge's samples at scrape time; an error drops this source's samples from that scrape. */
export type GaugeSource<L extends string> = () => Iterable<GaugeSample<L>> | Promise<Iterable<GaugeSample<L>>>;

const sources = new Map<string, { readonly labelNames: string; readonly set: Set<GaugeSource<string>> }>();

/**
 * Adds a source to the process's gauge named by `spec`: the gauge is computed at scrape time
 * from all its sources (nothing runs between scrapes, so a backlog or a fill ratio costs
 * nothing on the hot path). Several sources per gauge let components hosted in one process
 * (tests, one service per label value) report side by side. Returns the function that
 * removes the source, which the component calls when it stops.
 */
export function addGaugeSource<L extends string>(spec: MetricSpec<L>, source: GaugeSource<L>): () => void {
  const labelNames = spec.labelNames.join(',');
  let entry = sources.get(spec.name);
  if (entry && entry.labelNames !== labelNames) {
    throw new MetricConflictError(spec.name, `already computed with labels [${entry.labelNames}], not [${labelNames}]`);
  }
  if (!entry) {
    if (metricsRegistry().getSingleMetric(spec.name)) {
      throw new MetricConflictError(spec.name, 'already registered as a metric that is not computed from sources');
    }
    const own = new Set<GaugeSource<string>>();
    entry = { labelNames, set: own };
    sources.set(spec.name, entry);
    new Gauge<L>({
      ...spec,
      labelNames: [...spec.labelNames],
      registers: [metricsRegistry()],
      async collect() {
        this.reset();
        for (const s of own) {
          let samples: Iterable<GaugeSample<string>>;
          try {
            samples = await s();
          } catch {
            // A source that cannot answer (a closed log during shutdown) must not fail the whole scrape.
            continue;
          }
          for (const sample of samples) this.set(sample.labels as Record<L, string>, sample.value);
        }
      },
    });
  }
  const { set } = entry;
  const added = source as GaugeSource<string>;
  set.add(added);
  return () => {
    set.delete(added);
  };
}
