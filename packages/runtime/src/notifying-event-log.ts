import type { NewEvent } from '@netledger/contracts';
import type { AppendRequest, AppendResult, EventLog, ExpectedVersion } from '@netledger/eventlog';

/**
 * An event log that wakes the outbox relay after every successful append, so publishing
 * starts right away instead of at the next poll. Everything else passes through.
 */
export function notifyingEventLog(log: EventLog, notify: () => void): EventLog {
  const wrapped: EventLog = Object.create(log) as EventLog;
  return Object.assign(wrapped, {
    async append(stream: string, expectedVersion: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult> {
      const r = await log.append(stream, expectedVersion, events);
      if (!r.duplicate) notify();
      return r;
    },
    async appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
      const r = await log.appendMany(requests);
      if (r.some((x) => !x.duplicate)) notify();
      return r;
    },
  });
}
