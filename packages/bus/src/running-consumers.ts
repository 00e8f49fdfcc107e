import type { ServiceName } from '@netledger/contracts';
import type { ConsumerStatus } from './event-consumer.js';

/** What a metrics collector reads from a running consumer. */
export interface RunningConsumer {
  readonly service: ServiceName;
  /** The cursor key, e.g. "n1-policy". */
  readonly name: string;
  status(): ConsumerStatus;
}

const running = new Set<RunningConsumer>();

/**
 * The consumers started in this process and not stopped yet. A hook for the process's metrics
 * (consumer lag is computed at scrape time from their status), so that whoever constructs a
 * consumer does not have to hand it to the metrics themselves.
 */
export function runningConsumers(): readonly RunningConsumer[] {
  return [...running];
}

/** Called by EventConsumer.start() and stop(). */
export function trackRunningConsumer(consumer: RunningConsumer, isRunning: boolean): void {
  if (isRunning) running.add(consumer);
  else running.delete(consumer);
}
