import type { ServiceName } from '@netledger/contracts';
import type { AppendResult, EventLog } from '@netledger/eventlog';
import { addGaugeSource } from './gauge-source.js';
import { processCounter } from './metrics-registry.js';
import { EVENTS_APPENDED, OUTBOX_BACKLOG } from './runtime-metric-specs.js';

/** A service's event log metrics, as its host records them. */
export interface ServiceMetrics {
  /** Counts the events of appends that wrote something. */
  appended(results: readonly AppendResult[]): void;
  /** Stops reporting this service's backlog (the log is closing). */
  stop(): void;
}

/**
 * Events appended by type (a counter, incremented per append) and the outbox backlog (read
 * from the log's head at scrape time) of one service.
 */
export function serviceMetrics(service: ServiceName, log: Pick<EventLog, 'head'>): ServiceMetrics {
  const counter = processCounter(EVENTS_APPENDED);
  const removeBacklog = addGaugeSource(OUTBOX_BACKLOG, async () => [{ labels: { service }, value: (await log.head()).outboxBacklog }]);
  return {
    appended(results) {
      for (const r of results) {
        if (r.duplicate) continue;
        for (const e of r.events) counter.inc({ service, type: e.type });
      }
    },
    stop: removeBacklog,
  };
}
