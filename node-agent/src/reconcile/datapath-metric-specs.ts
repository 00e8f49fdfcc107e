import type { HistogramSpec, MetricSpec } from '@netledger/runtime';

/** Map operations the reconciler ran, by map (every policy map is `nl_policy`). */
export const MAP_OPERATIONS: MetricSpec<'map' | 'operation' | 'outcome'> = {
  name: 'netledger_map_operations_total',
  help:
    'BPF map operations of the agent\'s reconciler by map (nl_policy: every per-endpoint policy map), operation (update, delete) ' +
    'and outcome: ok counts entries written or deleted, map_full and error count failed batch calls.',
  labelNames: ['map', 'operation', 'outcome'],
};

/** How full each map is. */
export const MAP_PRESSURE: MetricSpec<'map' | 'node'> = {
  name: 'netledger_map_pressure',
  help: 'Fill ratio (entries / capacity, 0..1) of each BPF map the agent writes; nl_policy is the fullest per-endpoint policy map.',
  labelNames: ['map', 'node'],
};

/** Policy object change to the node's maps holding it. */
export const POLICY_IMPLEMENTATION_DELAY: HistogramSpec<'node'> = {
  name: 'netledger_policy_implementation_delay_seconds',
  help:
    'From a policy change (the append time of its PolicyAccepted or PolicyDeleted event) to the end of the agent\'s reconcile ' +
    'that wrote the change to the node\'s maps.',
  labelNames: ['node'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
};

/** How long one reconcile run takes. */
export const RECONCILE_DURATION: HistogramSpec<'node'> = {
  name: 'netledger_reconcile_duration_seconds',
  help: 'Duration of one reconcile run of the agent (the diff of the desired state against the maps and the map writes).',
  labelNames: ['node'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
};

/** The specs of the metrics the agent's datapath driver and reconciler register. */
export const DATAPATH_METRICS: readonly MetricSpec<string>[] = [MAP_OPERATIONS, MAP_PRESSURE, POLICY_IMPLEMENTATION_DELAY, RECONCILE_DURATION];
