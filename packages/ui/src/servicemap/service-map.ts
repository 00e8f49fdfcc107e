/** What `/api/servicemap` answers: nodes grouped by namespace, and edges between them. */
export interface ServiceMap {
  /** Namespaces in display order; `null` is the group of what is outside the cluster (world, host, addresses). */
  readonly groups: readonly MapGroup[];
  readonly nodes: readonly MapNode[];
  readonly edges: readonly MapEdge[];
  /** Flows aggregated into the edges (replies are not counted: they follow their connection). */
  readonly flowCount: number;
  /** Time of the oldest and newest flow aggregated; null without flows. */
  readonly window: { readonly from: string; readonly to: string } | null;
}

export interface MapGroup {
  readonly namespace: string | null;
  readonly title: string;
  readonly nodeIds: readonly string[];
}

export type MapNodeKind = 'workload' | 'service' | 'external';

export interface MapNode {
  /** `workload:NS/NAME`, `service:NS/NAME` or `external:<what>`. */
  readonly id: string;
  readonly kind: MapNodeKind;
  readonly namespace: string | null;
  readonly name: string;
  /** Workloads: their pods (sorted). */
  readonly pods: readonly string[];
  /** Services: cluster IP and ports (`TCP/8080`). */
  readonly address?: string;
  readonly ports?: readonly string[];
  /** The objects whose history `/api/history?object=` shows for this node (a workload: each pod's endpoint). */
  readonly history: readonly string[];
}

/** Where an edge comes from: observed flows, or a service selecting its backends. */
export type MapEdgeKind = 'flow' | 'backend';

/** Forwarded only, dropped only, or both. */
export type EdgeVerdict = 'forwarded' | 'dropped' | 'mixed';

export interface MapEdge {
  readonly id: string;
  readonly kind: MapEdgeKind;
  readonly source: string;
  readonly target: string;
  readonly forwarded: number;
  readonly dropped: number;
  /** Backend edges are `forwarded` with zero counts. */
  readonly verdict: EdgeVerdict;
  /** `TCP/8080`, sorted. */
  readonly ports: readonly string[];
  readonly dropReasons: readonly string[];
  /** Refs of the policies that decided (allowed or denied) flows of this edge. */
  readonly policies: readonly string[];
  readonly lastSeen: string | null;
}
