import { runningConsumers, type ConsumerStatus } from '@netledger/bus';
import { Gauge, type Registry } from 'prom-client';
import type { MetricSpec } from './metric-spec.js';
import { CONSUMER_LAG_EVENTS, CONSUMER_LAG_SECONDS } from './runtime-metric-specs.js';

/**
 * Registers the consumer lag gauges in `registry`: computed at scrape time from the status of
 * every consumer running in the process (nothing is counted while events flow).
 */
export function registerConsumerLagGauges(registry: Registry): void {
  const gauge = (spec: MetricSpec<'service' | 'consumer'>, value: (s: ConsumerStatus) => number): void => {
    new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: [...spec.labelNames],
      registers: [registry],
      collect() {
        this.reset();
        for (const c of runningConsumers()) this.set({ service: c.service, consumer: c.name }, value(c.status()));
      },
    });
  };
  gauge(CONSUMER_LAG_EVENTS, (s) => s.lag);
  gauge(CONSUMER_LAG_SECONDS, (s) => s.lagSeconds);
}
