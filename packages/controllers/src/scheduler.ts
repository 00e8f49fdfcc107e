import { objectKey, type Node, type Pod } from '@netledger/k8s';
import { chooseNode } from './choose-node.js';
import { describeError } from './describe-error.js';
import { POD } from './kinds.js';
import type { KubeWriter } from './kube-writer.js';
import type { ControllerLogger } from './logger.js';
import type { ObjectView } from './object-view.js';
import { isPodActive } from './pod-state.js';
import { WorkQueue, type WorkQueueStats } from './work-queue.js';

/** The scheduler name pods get by default; pods naming another scheduler are left to it. */
const DEFAULT_SCHEDULER = 'default-scheduler';

export interface SchedulerDeps {
  readonly pods: ObjectView<Pod>;
  readonly nodes: ObjectView<Node>;
  readonly writer: KubeWriter;
  readonly logger: ControllerLogger;
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
}

/**
 * Gives pods without `spec.nodeName` a node: the schedulable node with the fewest pods. Pods
 * wait (Pending) while no node is schedulable and are retried when a node changes.
 *
 * Binding patches `spec.nodeName`. A real API server refuses that (nodeName is set once, through
 * the pods/binding subresource); the local API server has no binding subresource and accepts
 * the patch. The Deployment controller sets nodeName when it creates a pod, so only pods
 * created elsewhere (kubectl, manifests) go through this patch.
 */
export class Scheduler {
  private readonly queue: WorkQueue;
  private binds = 0;

  constructor(private readonly deps: SchedulerDeps) {
    this.queue = new WorkQueue(
      (key) => this.sync(key),
      (key, e, ms) => deps.logger.error(`scheduler: pod ${key}: ${describeError(e)}; retrying in ${ms} ms`),
      deps.retry,
    );
  }

  /** The node a new pod should go to now, undefined when none is schedulable. */
  pickNode(): string | undefined {
    return chooseNode(this.deps.nodes.all(), this.deps.pods.all());
  }

  podChanged(pod: Pod, deleted: boolean): void {
    if (!deleted && needsNode(pod)) this.queue.add(objectKey(pod));
  }

  /** A node came, went or changed: pods waiting for one may fit now. */
  nodeChanged(): void {
    for (const pod of this.deps.pods.all()) if (needsNode(pod)) this.queue.add(objectKey(pod));
  }

  start(): void {
    this.queue.start();
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }

  stats(): WorkQueueStats & { readonly binds: number; readonly pending: number } {
    return { ...this.queue.stats(), binds: this.binds, pending: this.deps.pods.all().filter(needsNode).length };
  }

  private async sync(key: string): Promise<void> {
    const pod = this.deps.pods.get(key);
    if (!pod || !needsNode(pod)) return;
    const node = this.pickNode();
    if (node === undefined) return; // nodeChanged() brings it back
    const meta = pod.metadata;
    // uid and resourceVersion make the patch a compare-and-swap: a pod changed meanwhile gets a
    // 409 and is retried with what the informer delivers next.
    const bound = await this.deps.writer.patch<Pod>(POD, meta.namespace ?? '', meta.name, {
      metadata: { uid: meta.uid, resourceVersion: meta.resourceVersion },
      spec: { nodeName: node },
    });
    this.deps.pods.wrote(bound);
    this.binds += 1;
    this.deps.logger.info(`scheduler: bound pod ${key} to node ${node}`);
  }
}

function needsNode(pod: Pod): boolean {
  const schedulerName = (pod.spec as { schedulerName?: string } | undefined)?.schedulerName;
  return !pod.spec?.nodeName && isPodActive(pod) && (schedulerName === undefined || schedulerName === DEFAULT_SCHEDULER);
}
