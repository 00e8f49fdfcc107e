import type { NewEvent } from '@netledger/contracts';
import type { AppendRequest, AppendResult, EventLog, ExpectedVersion } from '@netledger/eventlog';

/**
 * An event log that tells `notify` about every append that wrote something (to wake the
 * outbox relay, so publishing starts right away instead of at the next poll, and to count
 * the events). Everything else passes through.
 */
export function notifyingEventLog(log: EventLog, notify: (appended: readonly AppendResult[]) => void): EventLog {
  const wrapped: EventLog = Object.create(log) as EventLog;
  return Object.assign(wrapped, {
    async append(stream: string, expectedVersion: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult> {
      const r = await log.append(stream, expectedVersion, events);
      if (!r.duplicate) notify([r]);
      return r;
    },
    async appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
      const r = await log.appendMany(requests);
      if (r.some((x) => !x.duplicate)) notify(r);
      return r;
    },
  });
}
