import { join } from 'node:path';
import { createNetledgerRegistry, type EventEnvelope, type NewEvent } from '@netledger/contracts';
import { openSqliteEventLog, type EventLog } from '@netledger/eventlog';
import { OutboxRelay, type NatsConnection } from '@netledger/bus';

/** A real policy-service log whose outbox relay publishes to JetStream, as the service runs it. */
export interface PolicyLog {
  readonly log: EventLog;
  readonly relay: OutboxRelay;
  /** Appends `count` policy events (see policyEvent) numbered from `from`; returns the last seq. */
  append(from: number, count: number): Promise<number>;
  /** Waits until the relay has published everything appended (false after the timeout). */
  published(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

const CAUSE = { kind: 'command', command: 'client test', actor: 'test' } as const;

/**
 * Event number n: policy `p<n % 4>` in namespace `ns-<n % 2>` (so object filters pick a
 * known part), a PolicyDeleted for every fifth, PolicyAccepted otherwise.
 */
export function policyEvent(n: number): { stream: string; event: NewEvent } {
  const namespace = `ns-${n % 2}`;
  const name = `p${n % 4}`;
  const ref = { kind: 'NetworkPolicy', namespace, name, uid: `uid-${name}` } as const;
  const event: NewEvent =
    n % 5 === 0
      ? { type: 'PolicyDeleted', data: { ...ref, revision: n }, cause: CAUSE }
      : { type: 'PolicyAccepted', data: { ...ref, resourceVersion: String(n), revision: n, rules: [] }, cause: CAUSE };
  return { stream: `policy/${namespace}/${name}`, event };
}

export async function openPolicyLog(dir: string, nc: NatsConnection): Promise<PolicyLog> {
  const log = await openSqliteEventLog({ service: 'policy', registry: createNetledgerRegistry(), file: join(dir, 'policy.db') });
  const relay = new OutboxRelay({ log, nc, batchSize: 64, pollIntervalMs: 20 });
  relay.start();
  return {
    log,
    relay,
    async append(from, count) {
      let last = 0;
      for (let n = from; n < from + count; n++) {
        const { stream, event } = policyEvent(n);
        last = (await log.append(stream, 'any', [event])).lastSeq;
      }
      relay.notify();
      return last;
    },
    published: (timeoutMs = 30_000) => relay.drain(timeoutMs),
    async close() {
      await relay.stop();
      await log.close();
    },
  };
}

/** The seqs of events, for order checks. */
export function seqsOf(events: readonly Pick<EventEnvelope, 'seq'>[]): number[] {
  return events.map((e) => e.seq);
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
