import { replyInbox, type NatsConnection } from '@netledger/bus';
import { FLOWS_ALL_SUBJECT, FLOWS_QUERY_SUBJECT, type Flow, type FlowFilter, type FlowQuery, type FlowQueryReply } from '@netledger/node-agent';
import { ApiError } from '../http/api-error.js';
import type { FlowQueryResult, FlowSource } from './flow-source.js';

export interface NatsFlowSourceOptions {
  /** The connection, once there is one (the UI starts before NATS answers, and serves meanwhile). */
  readonly connection: () => NatsConnection | undefined;
  /** The stack's nodes: a query ends as soon as each answered. */
  readonly nodes: () => readonly string[];
  /** How long a query waits for answers (default 1000 ms; it ends earlier when every node answered). */
  readonly queryWaitMs?: number;
  readonly onError?: (message: string) => void;
}

/**
 * Flows over NATS: a query is a scatter-gather request on `netledger.flows.query` (each agent
 * answers `{node, flows}`, docs/flows.md), following is one subscription to `netledger.flows.>`
 * shared by every follower and held only while there is one.
 */
export class NatsFlowSource implements FlowSource {
  private readonly followers = new Set<(flow: Flow) => void>();
  private subscription: { unsubscribe(): void } | undefined;

  constructor(private readonly options: NatsFlowSourceOptions) {}

  /**
   * One request with a private reply inbox; each agent answers in one or more messages (all but
   * the last say `more`). It ends when every node of the stack answered in full, or after the wait.
   */
  query(last: number, filter: FlowFilter): Promise<FlowQueryResult> {
    const nc = this.connected();
    const expected = [...this.options.nodes()];
    const complete = new Set<string>();
    const refused: Array<{ node: string; error: string }> = [];
    const flows: Flow[] = [];
    const inbox = replyInbox(nc, 'netledger-ui');
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sub.unsubscribe();
        flows.sort(byTime);
        resolve({
          flows: flows.slice(Math.max(0, flows.length - last)),
          nodes: [...complete].sort(),
          missing: expected.filter((n) => !complete.has(n)),
          refused,
        });
      };
      const sub = nc.subscribe(inbox, {
        callback: (err, msg) => {
          if (err) return;
          const reply = parseReply(msg.string());
          if (reply === undefined) {
            this.options.onError?.('a flow query answer is not {node, flows}');
            return;
          }
          if (reply.error !== undefined) refused.push({ node: reply.node, error: reply.error });
          flows.push(...reply.flows);
          if (reply.more !== true) complete.add(reply.node);
          if (expected.length > 0 && expected.every((n) => complete.has(n))) finish();
        },
      });
      const query: FlowQuery = { last, filter };
      nc.publish(FLOWS_QUERY_SUBJECT, JSON.stringify(query), { reply: inbox });
      timer = setTimeout(finish, this.options.queryWaitMs ?? 1000);
    });
  }

  follow(onFlow: (flow: Flow) => void): () => void {
    this.followers.add(onFlow);
    this.subscribeIfNeeded();
    return () => {
      this.followers.delete(onFlow);
      if (this.followers.size === 0) {
        this.subscription?.unsubscribe();
        this.subscription = undefined;
      }
    };
  }

  private subscribeIfNeeded(): void {
    if (this.subscription) return;
    const nc = this.options.connection();
    if (!nc) return;
    this.subscription = nc.subscribe(FLOWS_ALL_SUBJECT, {
      callback: (err, msg) => {
        if (err) {
          this.options.onError?.(`flow subscription: ${err.message}`);
          return;
        }
        // The query subject shares the prefix; requests are not flows.
        if (msg.subject === FLOWS_QUERY_SUBJECT) return;
        let flow: Flow;
        try {
          flow = JSON.parse(msg.string()) as Flow;
        } catch {
          this.options.onError?.(`a message on ${msg.subject} is not JSON`);
          return;
        }
        for (const f of this.followers) f(flow);
      },
    });
  }

  /** Followers that came before NATS did get their subscription once it is there. */
  connectionReady(): void {
    if (this.followers.size > 0) this.subscribeIfNeeded();
  }

  private connected(): NatsConnection {
    const nc = this.options.connection();
    if (!nc || nc.isClosed()) throw new ApiError(503, 'not connected to NATS yet: flows are not available');
    return nc;
  }
}

function parseReply(text: string): FlowQueryReply | undefined {
  try {
    const body = JSON.parse(text) as Partial<FlowQueryReply> | null;
    if (typeof body?.node !== 'string' || !Array.isArray(body.flows)) return undefined;
    return body as FlowQueryReply;
  } catch {
    return undefined;
  }
}

// seq is a decimal string (a u64): shorter is smaller, then compare digits.
function byTime(a: Flow, b: Flow): number {
  return a.time < b.time ? -1 : a.time > b.time ? 1 : a.node < b.node ? -1 : a.node > b.node ? 1 : a.seq.length - b.seq.length || (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0);
}
