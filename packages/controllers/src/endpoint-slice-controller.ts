import { jsonEqual, objectKey, type EndpointSlice, type Pod, type Service } from '@netledger/k8s';
import { describeError } from './describe-error.js';
import { desiredEndpointSlices, hasSelector, MANAGED_BY, MANAGED_BY_LABEL, SERVICE_NAME_LABEL, type DesiredSlice } from './desired-endpoint-slices.js';
import { ENDPOINT_SLICE } from './kinds.js';
import type { KubeWriter } from './kube-writer.js';
import { matchesLabels } from './label-selector.js';
import type { ControllerLogger } from './logger.js';
import type { ObjectView } from './object-view.js';
import { labelsOf } from './pod-state.js';
import { WorkQueue, type WorkQueueStats } from './work-queue.js';

export interface EndpointSliceControllerDeps {
  readonly services: ObjectView<Service>;
  readonly pods: ObjectView<Pod>;
  readonly slices: ObjectView<EndpointSlice>;
  readonly writer: KubeWriter;
  readonly logger: ControllerLogger;
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
}

/**
 * Keeps the EndpointSlices of every Service with a selector (see desiredEndpointSlices). A slice
 * is written only when what this controller sets differs from what is stored (the lb service
 * turns every slice change into events, so an unchanged slice must stay untouched); labels
 * others add are kept. Slices are deleted when their Service goes away or loses its selector
 * (the local API server has no garbage collector for ownerReferences). Services without a
 * selector are left alone, and so are slices another controller manages.
 */
export class EndpointSliceController {
  private readonly queue: WorkQueue;
  private created = 0;
  private updated = 0;
  private deleted = 0;

  constructor(private readonly deps: EndpointSliceControllerDeps) {
    this.queue = new WorkQueue(
      (key) => this.sync(key),
      (key, e, ms) => deps.logger.error(`endpointslices of service ${key}: ${describeError(e)}; retrying in ${ms} ms`),
      deps.retry,
    );
  }

  serviceChanged(service: Service): void {
    this.queue.add(objectKey(service));
  }

  /** A pod changed: the services that select it now or selected it before resync. */
  podChanged(pod: Pod, before: Pod | undefined): void {
    const namespace = pod.metadata.namespace ?? '';
    for (const service of this.deps.services.inNamespace(namespace)) {
      const selector = service.spec?.selector;
      if (!selector || !hasSelector(service)) continue;
      if (matchesLabels(selector, labelsOf(pod)) || (before !== undefined && matchesLabels(selector, labelsOf(before)))) {
        this.queue.add(objectKey(service));
      }
    }
  }

  /** One of our slices changed or vanished (perhaps by hand): its service resyncs and repairs it. */
  sliceChanged(slice: EndpointSlice): void {
    const labels = slice.metadata.labels ?? {};
    const service = labels[SERVICE_NAME_LABEL];
    if (labels[MANAGED_BY_LABEL] === MANAGED_BY && service) this.queue.add(`${slice.metadata.namespace ?? ''}/${service}`);
  }

  start(): void {
    this.queue.start();
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }

  stats(): WorkQueueStats & { readonly slicesCreated: number; readonly slicesUpdated: number; readonly slicesDeleted: number } {
    return { ...this.queue.stats(), slicesCreated: this.created, slicesUpdated: this.updated, slicesDeleted: this.deleted };
  }

  private async sync(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const service = this.deps.services.get(key);
    const existing = new Map(
      this.deps.slices
        .inNamespace(namespace)
        .filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === name && s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY)
        .map((s) => [s.metadata.name, s]),
    );
    const desired = service ? desiredEndpointSlices(service, this.deps.pods.inNamespace(namespace)) : [];
    for (const want of desired) {
      const have = existing.get(want.metadata.name);
      existing.delete(want.metadata.name);
      if (!have) await this.create(want);
      else if (have.addressType !== want.addressType) {
        // addressType is immutable in Kubernetes: replace the slice.
        await this.delete(have);
        await this.create(want);
      } else if (!matches(have, want)) await this.update(want);
    }
    for (const stale of existing.values()) await this.delete(stale);
  }

  private async create(slice: DesiredSlice): Promise<void> {
    const written = await this.deps.writer.create<EndpointSlice>(ENDPOINT_SLICE, slice.metadata.namespace, slice);
    this.deps.slices.wrote(written);
    this.created += 1;
  }

  private async update(slice: DesiredSlice): Promise<void> {
    const { name, namespace, labels, ownerReferences } = slice.metadata;
    // Merge patch: our labels set (others' kept), lists replaced whole.
    const patch = { metadata: { labels, ownerReferences }, endpoints: slice.endpoints, ports: slice.ports };
    const written = await this.deps.writer.patch<EndpointSlice>(ENDPOINT_SLICE, namespace, name, patch);
    this.deps.slices.wrote(written);
    this.updated += 1;
  }

  private async delete(slice: EndpointSlice): Promise<void> {
    const result = await this.deps.writer.delete<EndpointSlice>(ENDPOINT_SLICE, slice.metadata.namespace ?? '', slice.metadata.name, slice.metadata.uid);
    this.deps.slices.removed((result.outcome === 'deleted' ? result.object : undefined) ?? slice);
    if (result.outcome === 'deleted') this.deleted += 1;
  }
}

/** Whether a stored slice already has everything this controller sets. */
function matches(have: EndpointSlice, want: DesiredSlice): boolean {
  const labels = have.metadata.labels ?? {};
  if (!Object.entries(want.metadata.labels).every(([k, v]) => labels[k] === v)) return false;
  const owners: unknown = (have.metadata as { ownerReferences?: unknown }).ownerReferences;
  return jsonEqual(owners ?? [], want.metadata.ownerReferences) && jsonEqual(have.endpoints ?? [], want.endpoints) && jsonEqual(have.ports ?? [], want.ports);
}
