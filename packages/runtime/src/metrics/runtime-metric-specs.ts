import type { MetricSpec } from './metric-spec.js';

/** Events a service appended to its log (idempotent retries that wrote nothing are not counted). */
export const EVENTS_APPENDED: MetricSpec<'service' | 'type'> = {
  name: 'netledger_events_appended_total',
  help: 'Events appended to the service\'s event log, by service and event type.',
  labelNames: ['service', 'type'],
};

/** Events stored but not yet confirmed by JetStream. */
export const OUTBOX_BACKLOG: MetricSpec<'service'> = {
  name: 'netledger_outbox_backlog',
  help: 'Events in the service\'s outbox not yet published to (and acknowledged by) its JetStream stream.',
  labelNames: ['service'],
};

/** Events in a followed stream that a consumer has not handled yet. */
export const CONSUMER_LAG_EVENTS: MetricSpec<'service' | 'consumer'> = {
  name: 'netledger_consumer_lag_events',
  help: 'Events in the service\'s stream the consumer has not handled yet (stream last sequence as last seen minus the cursor).',
  labelNames: ['service', 'consumer'],
};

/** How far behind a consumer is in time. */
export const CONSUMER_LAG_SECONDS: MetricSpec<'service' | 'consumer'> = {
  name: 'netledger_consumer_lag_seconds',
  help: 'While the consumer is behind: now minus the append time of the newest event it applied; 0 when caught up.',
  labelNames: ['service', 'consumer'],
};

/** The specs of the metrics the runtime itself registers in every process. */
export const RUNTIME_METRICS: readonly MetricSpec<string>[] = [EVENTS_APPENDED, OUTBOX_BACKLOG, CONSUMER_LAG_EVENTS, CONSUMER_LAG_SECONDS];
