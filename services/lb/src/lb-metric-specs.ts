import type { MetricSpec } from '@netledger/runtime';

/** What the LB service load-balances. */
export const LB_OBJECTS: MetricSpec<'object'> = {
  name: 'netledger_lb_objects',
  help: 'Load-balanced objects in the LB service\'s state: services, frontends (service address and port) and backends.',
  labelNames: ['object'],
};

/** The specs of the LB service's metrics. */
export const LB_METRICS: readonly MetricSpec<string>[] = [LB_OBJECTS];
