import { randomBytes } from 'node:crypto';
import { KubeApiError, jsonEqual, objectKey, type Deployment, type Pod } from '@netledger/k8s';
import { describeError } from './describe-error.js';
import { DEPLOYMENT, POD } from './kinds.js';
import type { KubeWriter } from './kube-writer.js';
import { isEmptySelector, matchesSelector } from './label-selector.js';
import type { ControllerLogger } from './logger.js';
import type { ObjectView } from './object-view.js';
import { controllerOf, controllerReference } from './owner-references.js';
import { planDeployment, type DeploymentPlan } from './plan-deployment.js';
import { POD_TEMPLATE_HASH_LABEL, podTemplateHash } from './pod-template-hash.js';
import { resolveStrategy, RolloutStrategyError } from './rollout-strategy.js';
import { WorkQueue, type WorkQueueStats } from './work-queue.js';

export interface DeploymentControllerDeps {
  readonly deployments: ObjectView<Deployment>;
  readonly pods: ObjectView<Pod>;
  readonly writer: KubeWriter;
  /** The node for a new pod (the scheduler's choice), undefined when none is schedulable. */
  readonly pickNode: () => string | undefined;
  readonly logger: ControllerLogger;
  readonly clock?: () => Date;
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
}

/** A Deployment the controller cannot act on; it waits for the next change of the object. */
export class InvalidDeploymentError extends Error {
  constructor(
    readonly deployment: string,
    readonly field: string,
    reason: string,
  ) {
    super(`deployment ${deployment}: ${field} ${reason}`);
    this.name = 'InvalidDeploymentError';
  }
}

const NAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** As Kubernetes' generateName: the prefix is cut so a name stays a DNS label. */
const MAX_NAME_PREFIX = 58;

/**
 * Keeps each Deployment's pods: `spec.replicas` pods from `spec.template`, named
 * `<deployment>-<5 random>`, labelled with the template's labels and `pod-template-hash`,
 * controlled by the Deployment (ownerReference, controller: true), given a node at creation.
 * Template changes roll out per `spec.strategy` (see planDeployment). Pods deleted by hand are
 * replaced; a deleted Deployment's pods are deleted here (the local API server has no garbage
 * collector), as are pods of an earlier Deployment of the same name. Status goes through the
 * status subresource, only when it changes.
 *
 * Only pods the Deployment controls are counted: orphans matching the selector are not adopted.
 */
export class DeploymentController {
  private readonly queue: WorkQueue;
  private readonly clock: () => Date;
  /** Creation order of the pods this process made, to tell apart pods created in the same second. */
  private readonly sequence = new Map<string, number>();
  private nextSequence = 0;
  /** `key@generation` of Deployments whose problem was logged, so it is logged once. */
  private readonly reported = new Set<string>();
  private created = 0;
  private deleted = 0;
  private statusWrites = 0;

  constructor(private readonly deps: DeploymentControllerDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.queue = new WorkQueue(
      (key) => this.sync(key),
      (key, e, ms) => deps.logger.error(`deployment ${key}: ${describeError(e)}; retrying in ${ms} ms`),
      deps.retry,
    );
  }

  deploymentChanged(deployment: Deployment): void {
    this.queue.add(objectKey(deployment));
  }

  podChanged(pod: Pod, before: Pod | undefined): void {
    for (const p of before ? [pod, before] : [pod]) {
      const owner = controllerOf(p);
      if (owner?.kind === 'Deployment') this.queue.add(`${p.metadata.namespace ?? ''}/${owner.name}`);
    }
  }

  start(): void {
    this.queue.start();
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }

  stats(): WorkQueueStats & { readonly podsCreated: number; readonly podsDeleted: number; readonly statusWrites: number } {
    return { ...this.queue.stats(), podsCreated: this.created, podsDeleted: this.deleted, statusWrites: this.statusWrites };
  }

  private async sync(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const deployment = this.deps.deployments.get(key);
    const controlled = this.deps.pods.inNamespace(namespace).filter((p) => {
      const owner = controllerOf(p);
      return owner?.kind === 'Deployment' && owner.name === name;
    });
    // Pods of a deleted Deployment, or of an earlier one that had this name.
    const orphans = controlled.filter((p) => controllerOf(p)?.uid !== deployment?.metadata.uid);
    for (const pod of orphans) await this.deletePod(pod, deployment ? 'its deployment was replaced' : 'its deployment was deleted');
    if (!deployment) return;

    const owned = controlled.filter((p) => !orphans.includes(p));
    let plan: DeploymentPlan;
    let templateHash: string;
    try {
      const checked = check(deployment);
      templateHash = podTemplateHash(checked.template);
      plan = planDeployment({
        replicas: checked.replicas,
        templateHash,
        strategy: resolveStrategy(deployment, checked.replicas),
        pods: owned,
        creationSequence: (p) => this.sequence.get(p.metadata.uid),
      });
    } catch (e) {
      if (!(e instanceof InvalidDeploymentError || e instanceof RolloutStrategyError)) throw e;
      const reportKey = `${key}@${deployment.metadata.generation ?? 0}`;
      if (!this.reported.has(reportKey)) {
        this.reported.add(reportKey);
        this.deps.logger.error(`deployment ${key}: ${e.message}; not acting on it until it changes`);
      }
      return;
    }
    for (const pod of plan.remove) await this.deletePod(pod, 'scaled down or replaced');
    for (let i = 0; i < plan.create; i += 1) await this.createPod(deployment, templateHash);
    await this.writeStatus(deployment, plan);
  }

  private async createPod(deployment: Deployment, templateHash: string): Promise<void> {
    const meta = deployment.metadata;
    const template = deployment.spec?.template ?? {};
    const nodeName = (template.spec as { nodeName?: string } | undefined)?.nodeName ?? this.deps.pickNode();
    const prefix = `${meta.name}-`.slice(0, MAX_NAME_PREFIX);
    for (let attempt = 1; ; attempt += 1) {
      const body = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: prefix + randomSuffix(),
          namespace: meta.namespace,
          labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: templateHash },
          ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
          ownerReferences: [controllerReference(deployment, 'apps/v1', 'Deployment')],
        },
        spec: { ...(template.spec ?? {}), ...(nodeName !== undefined ? { nodeName } : {}) },
      };
      try {
        const pod = await this.deps.writer.create<Pod>(POD, meta.namespace ?? '', body);
        this.sequence.set(pod.metadata.uid, this.nextSequence++);
        this.deps.pods.wrote(pod);
        this.created += 1;
        this.deps.logger.info(`deployment ${objectKey(deployment)}: created pod ${pod.metadata.name}${nodeName ? ` on node ${nodeName}` : ' (no schedulable node yet)'}`);
        return;
      } catch (e) {
        // Five random characters rarely collide; when they do, draw again.
        if (!(e instanceof KubeApiError && e.statusCode === 409 && e.reason === 'AlreadyExists' && attempt < 5)) throw e;
      }
    }
  }

  private async deletePod(pod: Pod, why: string): Promise<void> {
    const result = await this.deps.writer.delete<Pod>(POD, pod.metadata.namespace ?? '', pod.metadata.name, pod.metadata.uid);
    if (result.outcome === 'deleted') {
      this.deps.pods.removed(result.object ?? pod);
      this.deleted += 1;
      this.sequence.delete(pod.metadata.uid);
      this.deps.logger.info(`deployment controller: deleted pod ${objectKey(pod)} (${why})`);
    } else {
      this.deps.pods.removed(pod);
    }
  }

  private async writeStatus(deployment: Deployment, plan: DeploymentPlan): Promise<void> {
    const current = deployment.status ?? {};
    const previous = current.conditions?.find((c) => c.type === 'Available');
    const availableStatus = plan.available ? 'True' : 'False';
    const now = this.clock().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const available =
      previous?.status === availableStatus
        ? previous
        : {
            type: 'Available',
            status: availableStatus,
            reason: plan.available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
            message: plan.available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
            lastUpdateTime: now,
            lastTransitionTime: now,
          };
    const status = {
      observedGeneration: deployment.metadata.generation ?? 1,
      ...plan.counts,
      conditions: [available, ...(current.conditions ?? []).filter((c) => c.type !== 'Available')],
    };
    const unchanged = Object.entries(status).every(([field, value]) => jsonEqual((current as Record<string, unknown>)[field], value));
    if (unchanged) return;
    const meta = deployment.metadata;
    const written = await this.deps.writer.patch<Deployment>(DEPLOYMENT, meta.namespace ?? '', meta.name, { status }, 'status');
    this.deps.deployments.wrote(written);
    this.statusWrites += 1;
  }
}

/** The replicas and template of a Deployment, or why it cannot be acted on. */
function check(deployment: Deployment): { replicas: number; template: NonNullable<NonNullable<Deployment['spec']>['template']> } {
  const key = objectKey(deployment);
  const spec = deployment.spec;
  const replicas = spec?.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 0) throw new InvalidDeploymentError(key, 'spec.replicas', `${JSON.stringify(replicas)} is not a non-negative integer`);
  const template = spec?.template;
  const containers = (template?.spec as { containers?: unknown } | undefined)?.containers;
  if (!template || !Array.isArray(containers) || containers.length === 0) throw new InvalidDeploymentError(key, 'spec.template.spec.containers', 'is required');
  const selector = spec?.selector;
  if (!selector || isEmptySelector(selector)) throw new InvalidDeploymentError(key, 'spec.selector', 'is required and must not be empty');
  if (!matchesSelector(selector, template.metadata?.labels ?? {})) {
    throw new InvalidDeploymentError(key, 'spec.template.metadata.labels', 'do not match spec.selector');
  }
  return { replicas, template };
}

function randomSuffix(): string {
  return [...randomBytes(5)].map((b) => NAME_ALPHABET[b % NAME_ALPHABET.length] ?? 'x').join('');
}
