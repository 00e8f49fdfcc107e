import type { NatsConnection } from '@netledger/bus';
import { compileFlowFilter, FLOWS_ALL_SUBJECT, FLOWS_QUERY_SUBJECT, type Flow, type FlowFilter } from '@netledger/node-agent';

/** A live subscription to every node's flows. */
export interface FlowFollower {
  /** Starts delivering: flows a node already showed (seq at or below `shown`'s for that node) are skipped; the ones held meanwhile come first. */
  start(shown: readonly Flow[], onFlow: (flow: Flow) => void): void;
  stop(): void;
}

/**
 * Subscribes to `netledger.flows.>` at once and holds what arrives until `start`, so a
 * follower that first queries the history misses nothing between the answer and the stream.
 */
export function followFlows(nc: NatsConnection, filter: FlowFilter): FlowFollower {
  const keep = compileFlowFilter(filter);
  const held: Flow[] = [];
  let deliver: ((flow: Flow) => void) | undefined;
  const newest = new Map<string, bigint>();
  const sub = nc.subscribe(FLOWS_ALL_SUBJECT, {
    callback: (err, msg) => {
      // Other askers' queries share the prefix.
      if (err || msg.subject === FLOWS_QUERY_SUBJECT) return;
      let flow: Flow;
      try {
        flow = JSON.parse(msg.string()) as Flow;
        if (typeof flow?.node !== 'string' || typeof flow.seq !== 'string' || !keep(flow)) return;
      } catch {
        return; // not a flow: skipped, the stream goes on
      }
      if (deliver) deliver(flow);
      else held.push(flow);
    },
  });
  return {
    start(shown, onFlow) {
      for (const f of shown) {
        const seq = BigInt(f.seq);
        if (seq > (newest.get(f.node) ?? 0n)) newest.set(f.node, seq);
      }
      deliver = (flow) => {
        let seq: bigint;
        try {
          seq = BigInt(flow.seq);
        } catch {
          return;
        }
        const last = newest.get(flow.node);
        if (last !== undefined) {
          if (seq <= last) return;
          // Past what was shown: from here on the node's stream is new (a recreated ring restarts its seqs).
          newest.delete(flow.node);
        }
        onFlow(flow);
      };
      for (const f of held.splice(0)) deliver(f);
    },
    stop() {
      sub.unsubscribe();
    },
  };
}
