import type { EventLog } from '@netledger/eventlog';
import {
  DEFAULT_LABEL_EXCLUDE,
  LabelFilter,
  decideEndpoints,
  emptyIdentityState,
  identityProjection,
  kubernetesCause,
  namespaceSecurityLabels,
  type PodChange,
} from '@netledger/identity-service';
import type { Pod } from '@netledger/k8s';

/** The shape of the cluster whose history is written. */
export interface IdentityHistoryShape {
  readonly pods: number;
  readonly labelSets: number;
  readonly namespaces: number;
  /** Pod changes decided per append (one transaction), as the service batches them. */
  readonly batch: number;
}

export const IDENTITY_HISTORY_SHAPE: IdentityHistoryShape = { pods: 100_000, labelSets: 10_000, namespaces: 10, batch: 5000 };

const CLUSTER_RANGE = { first: 256, last: 65535 } as const;

// Pod `i` in generation `g`: every generation moves each pod to another label set (a rollout
// changing labels), and every third one deletes half the pods, recreated in the next.
function podAt(i: number, g: number, shape: IdentityHistoryShape): Pod | undefined {
  if (g % 3 === 2 && i % 2 === 0) return undefined;
  const set = (i + g * 31) % shape.labelSets;
  const ip = i + g * shape.pods;
  return {
    kind: 'Pod',
    metadata: {
      namespace: `bench-${i % shape.namespaces}`,
      name: `pod-${i}`,
      uid: `uid-${i}-${g}`,
      resourceVersion: String(g * shape.pods + i + 1),
      labels: { app: `app-${set}`, tier: ['web', 'api', 'db'][set % 3]!, 'pod-template-hash': (g % 97).toString(16) },
    },
    spec: { nodeName: `node-${i % 100}`, containers: [{ name: 'main', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}` },
  };
}

/**
 * Writes at least `events` events of the identity service's history into `log`: pods created,
 * relabelled and deleted, decided by the service's own decideEndpoints against the state kept by
 * its own projection, and appended in batches as the domain appends them. Returns the log's last seq.
 */
export async function writeIdentityHistory(log: EventLog, events: number, shape: IdentityHistoryShape = IDENTITY_HISTORY_SHAPE): Promise<number> {
  const filter = new LabelFilter(DEFAULT_LABEL_EXCLUDE);
  const namespaceLabels = Array.from({ length: shape.namespaces }, (_, n) => namespaceSecurityLabels(`bench-${n}`, { team: `team-${n}` }, filter));
  const state = emptyIdentityState();
  let lastSeq = 0;
  // Step k is pod k % pods in generation k / pods; a batch never holds one pod twice (batch <= pods).
  for (let k = 0; lastSeq < events; k += shape.batch) {
    const changes: PodChange[] = [];
    for (let step = k; step < k + shape.batch; step++) {
      const i = step % shape.pods;
      const g = Math.floor(step / shape.pods);
      const pod = podAt(i, g, shape);
      const key = `bench-${i % shape.namespaces}/pod-${i}`;
      // A deletion's cause is the pod as last seen (the generation before a deletion always has it).
      const cause = kubernetesCause('Pod', pod ?? podAt(i, g - 1, shape)!);
      changes.push({ key, pod, namespaceLabels: namespaceLabels[i % shape.namespaces], cause });
    }
    const decisions = decideEndpoints(state, changes, { filter, clusterRange: CLUSTER_RANGE });
    if (decisions.requests.length === 0) continue;
    const results = await log.appendMany(decisions.requests);
    for (const r of results) {
      for (const e of r.events) identityProjection.apply(state, e);
      lastSeq = Math.max(lastSeq, r.lastSeq);
    }
  }
  return lastSeq;
}
