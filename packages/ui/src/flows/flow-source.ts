import type { Flow, FlowFilter } from '@netledger/node-agent';

/** What a flow query across nodes gathered. */
export interface FlowQueryResult {
  /** The newest `last` flows of all nodes, oldest first. */
  readonly flows: readonly Flow[];
  /** Nodes that answered. */
  readonly nodes: readonly string[];
  /** Nodes of the stack that did not answer (in full) in time. */
  readonly missing: readonly string[];
  /** Nodes that refused the query, with their reason. */
  readonly refused: ReadonlyArray<{ readonly node: string; readonly error: string }>;
}

/** Where the UI gets flows: the agents' rings (query) and their live publications (follow). */
export interface FlowSource {
  query(last: number, filter: FlowFilter): Promise<FlowQueryResult>;
  /** Calls `onFlow` for every flow any node publishes from now on, until the returned function is called. */
  follow(onFlow: (flow: Flow) => void): () => void;
}
