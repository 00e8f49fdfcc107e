import { replyInbox, type NatsConnection } from '@netledger/bus';
import { FLOWS_QUERY_SUBJECT, type Flow, type FlowFilter, type FlowQuery, type FlowQueryReply } from '@netledger/node-agent';

export interface FlowQueryOptions {
  readonly last: number;
  readonly filter: FlowFilter;
  /** The nodes expected to answer (the stack file's); the query ends once each has answered in full. */
  readonly nodes: readonly string[];
  /** The longest it waits for answers. */
  readonly waitMs: number;
}

export interface FlowQueryAnswer {
  /** The newest `last` flows of all nodes, oldest first. */
  readonly flows: Flow[];
  readonly answered: string[];
  /** Expected nodes that did not answer (in full) in time. */
  readonly missing: string[];
  /** Nodes that refused the query, with their reason. */
  readonly refused: Array<{ readonly node: string; readonly error: string }>;
}

/** Orders flows of several nodes: by time, then node, then seq. */
export function compareFlows(a: Flow, b: Flow): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  const d = BigInt(a.seq) - BigInt(b.seq);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/**
 * Scatter-gather over `netledger.flows.query`: one request with a private reply inbox, every
 * agent's answer (one or more messages) collected until each expected node answered in full or
 * `waitMs` passed.
 */
export function queryFlows(nc: NatsConnection, options: FlowQueryOptions): Promise<FlowQueryAnswer> {
  const inbox = replyInbox(nc, 'netledger-observe');
  const flows: Flow[] = [];
  const complete = new Set<string>();
  const seen = new Set<string>();
  const refused: Array<{ node: string; error: string }> = [];
  const expected = new Set(options.nodes);
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      sub.unsubscribe();
      flows.sort(compareFlows);
      resolve({
        flows: flows.slice(Math.max(0, flows.length - options.last)),
        answered: [...complete].sort(),
        missing: [...expected].filter((n) => !complete.has(n)).sort(),
        refused,
      });
    };
    const sub = nc.subscribe(inbox, {
      callback: (err, msg) => {
        if (err) return;
        let reply: FlowQueryReply;
        try {
          reply = JSON.parse(msg.string()) as FlowQueryReply;
        } catch {
          return; // not an answer
        }
        if (typeof reply?.node !== 'string' || !Array.isArray(reply.flows)) return;
        seen.add(reply.node);
        if (reply.error !== undefined) refused.push({ node: reply.node, error: reply.error });
        flows.push(...reply.flows);
        if (reply.more !== true) complete.add(reply.node);
        if (expected.size > 0 && [...expected].every((n) => complete.has(n))) finish();
      },
    });
    const query: FlowQuery = { last: options.last, filter: options.filter };
    nc.publish(FLOWS_QUERY_SUBJECT, JSON.stringify(query), { reply: inbox });
    timer = setTimeout(finish, options.waitMs);
  });
}
