/** Every node's flows: `netledger.flows.<node>` (core NATS, no JetStream). */
export const FLOWS_SUBJECT_PREFIX = 'netledger.flows';

/** Request-reply subject every agent answers flow queries on (scatter-gather). */
export const FLOWS_QUERY_SUBJECT = `${FLOWS_SUBJECT_PREFIX}.query`;

/** What a follower subscribes to; it also matches the query subject, which followers skip. */
export const FLOWS_ALL_SUBJECT = `${FLOWS_SUBJECT_PREFIX}.>`;

/** The subject one node publishes its flows on. */
export function flowSubject(node: string): string {
  return `${FLOWS_SUBJECT_PREFIX}.${node}`;
}
