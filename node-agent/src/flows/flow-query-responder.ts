import type { NatsConnection } from '@netledger/bus';
import type { Flow } from './flow.js';
import { compileFlowFilter } from './flow-filter.js';
import { encodeFlowReplies, parseFlowQuery, type FlowQueryReply } from './flow-query.js';
import type { FlowRing } from './flow-ring.js';
import { FLOWS_QUERY_SUBJECT } from './flow-subjects.js';

// nats-server's default max_payload, when the server did not say.
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

type Subscription = ReturnType<NatsConnection['subscribe']>;

/** Answers `netledger.flows.query` from the ring: the newest matches, oldest first, in as many messages as the payload limit needs. */
export class FlowQueryResponder {
  readonly #sub: Subscription;
  #answered = 0;
  #refused = 0;

  constructor(nc: NatsConnection, node: string, ring: FlowRing<Flow>) {
    this.#sub = nc.subscribe(FLOWS_QUERY_SUBJECT, {
      callback: (err, msg) => {
        if (err || !msg.reply) return;
        let replies: string[];
        try {
          const query = parseFlowQuery(msg.string());
          const keep = compileFlowFilter(query.filter);
          replies = encodeFlowReplies(node, ring.last(query.last, keep), (nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD) - 1024);
          this.#answered += 1;
        } catch (e) {
          this.#refused += 1;
          const reply: FlowQueryReply = { node, flows: [], error: (e as Error).message };
          replies = [JSON.stringify(reply)];
        }
        try {
          for (const r of replies) msg.respond(r);
        } catch {
          // The connection closed meanwhile: the asker times out on this node.
        }
      },
    });
  }

  status(): { answered: number; refused: number } {
    return { answered: this.#answered, refused: this.#refused };
  }

  stop(): void {
    this.#sub.unsubscribe();
  }
}
