import { isContractError } from '@netledger/contracts';
import { isConcurrencyError, rebuildProjection, saveSnapshot, type AppendRequest } from '@netledger/eventlog';
import type { EndpointSlice, KubeObject, ObjectChange, ObjectSource, Service } from '@netledger/k8s';
import { addGaugeSource, type QueryHandler, type ServiceContext, type ServiceDomain } from '@netledger/runtime';
import { kubernetesCause } from './causes.js';
import { decideService, type ServiceDecision, type ServiceTriggers } from './decide-service.js';
import { desiredService, type InputProblem } from './desired-service.js';
import { LbInputs } from './lb-inputs.js';
import { applyLbEvent, lbProjection } from './lb-projection.js';
import { LB_OBJECTS } from './lb-metric-specs.js';
import { backendsQuery, servicesQuery } from './lb-queries.js';
import { emptyLbState, type LbState } from './lb-state.js';
import { serviceKeyOfStream } from './service-keys.js';

/** Tuning of the LB writer; the defaults suit a cluster of tens of thousands of services. */
export interface LbDomainOptions {
  /** Most events in one appendMany (one transaction, one fsync); a larger burst is split. Default 5000. */
  readonly maxBatchEvents?: number;
  /** Services waiting for a decision above which source handlers wait for the writer. Default 10000. */
  readonly maxPending?: number;
  /** First and longest wait before retrying after the log failed to store a batch, in ms. Defaults 500 and 30000. */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
}

interface Batch {
  readonly requests: AppendRequest[];
  readonly taken: Map<string, ServiceTriggers>;
  readonly events: number;
  /** Some service's frontends changed or were released (a conflicting service may now get its address). */
  readonly frontendsChanged: boolean;
}

const MAX_LISTED_PROBLEMS = 20;

/**
 * The LB service's decisions: Services and EndpointSlices in, `ServiceUpserted`,
 * `ServiceDeleted`, `BackendAdded` and `BackendRemoved` out, with service, frontend and backend
 * ids that every node uses as they are.
 *
 * Changes only mark a service due; one writer loop decides every due service against the
 * projection and appends the whole burst in one transaction, so a burst costs one fsync and a
 * service changed ten times meanwhile is decided once. Each decision is applied to the state
 * as soon as it is made (the next decision in the batch must see its ids); if the append
 * fails, the state is rebuilt from the log and the services are decided again.
 */
export class LbDomain implements ServiceDomain {
  private readonly maxBatchEvents: number;
  private readonly maxPending: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private context: ServiceContext | undefined;
  private state: LbState = emptyLbState();
  private readonly inputs = new LbInputs();
  /** Services due for a decision, with what changed. */
  private dirty = new Map<string, ServiceTriggers>();
  private synced = false;
  private removeMetrics: (() => void) | undefined;
  private flushing: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = 0;
  /** After a failed batch, decide this many services one per transaction, to find the one that fails. */
  private isolate = 0;
  private sources: Array<ObjectSource<KubeObject>> = [];
  /** Services denied an address another service holds: decided again when addresses are released. */
  private readonly conflicted = new Set<string>();
  /** Current problems per service key, so a problem is logged when it appears, not at every decision. */
  private readonly problems = new Map<string, string[]>();
  private lastSeq = 0;
  private eventsSinceSnapshot = 0;
  private storageFailing = false;
  private readonly counters = { batches: 0, eventsAppended: 0, lastBatchEvents: 0, appendFailures: 0, rebuilds: 0, droppedDecisions: 0 };

  constructor(options: LbDomainOptions = {}) {
    this.maxBatchEvents = options.maxBatchEvents ?? 5000;
    this.maxPending = options.maxPending ?? 10_000;
    this.retryMinMs = options.retryMinMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
  }

  async start(context: ServiceContext): Promise<void> {
    this.context = context;
    await this.rebuild();
    const services = context.sources.services();
    const slices = context.sources.endpointSlices();
    this.sources = [services, slices];
    // Nothing is decided before both initial lists are in: a service decided before its
    // slices arrived would lose its backends in the log, and get them back a moment later.
    await Promise.all([services.start((c) => this.onService(c)), slices.start((c) => this.onSlice(c))]);
    this.synced = true;
    // Read at scrape time from the state.
    this.removeMetrics = addGaugeSource(LB_OBJECTS, () => [
      { labels: { object: 'services' }, value: this.state.services.size },
      { labels: { object: 'frontends' }, value: this.state.frontendIds.inUse.size },
      { labels: { object: 'backends' }, value: this.state.backends.size },
    ]);
    // What the log holds is due too, so services deleted while we were down get their ServiceDeleted.
    for (const key of this.state.services.keys()) this.markDue(key, {});
    const before = this.counters.eventsAppended;
    this.schedule();
    await this.settled();
    context.logger.info(
      `synced ${this.inputs.serviceCount} services and ${this.inputs.sliceCount} endpoint slices; ` +
        `${this.state.services.size} load-balanced services, ${this.state.backends.size} backends; ` +
        `${this.counters.eventsAppended - before} events appended at start`,
    );
  }

  async stop(): Promise<void> {
    this.removeMetrics?.();
    this.removeMetrics = undefined;
    await Promise.all(this.sources.map((s) => s.stop()));
    this.sources = [];
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.settled();
    this.synced = false;
    if (this.context && this.eventsSinceSnapshot > 0) await this.snapshot();
  }

  /** Resolves when no batch is being decided or appended (changes delivered before are in the log). */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  status(): Record<string, unknown> & { healthy: boolean } {
    return {
      healthy: !this.storageFailing,
      synced: this.synced,
      watching: ['Service', 'EndpointSlice'],
      cluster: { services: this.inputs.serviceCount, endpointSlices: this.inputs.sliceCount },
      loadBalanced: { services: this.state.services.size, frontends: this.state.frontendIds.inUse.size, backends: this.state.backends.size },
      pendingServices: this.dirty.size,
      ...this.counters,
      objectsWithProblems: this.problems.size,
      problems: [...this.problems.values()].flat().slice(0, MAX_LISTED_PROBLEMS),
    };
  }

  queries(): Readonly<Record<string, QueryHandler>> {
    return {
      services: (params) => servicesQuery(this.state, params),
      backends: () => backendsQuery(this.state),
    };
  }

  private onService(change: ObjectChange<Service>): Promise<void> | undefined {
    const key = change.type === 'upsert' ? this.inputs.setService(change.object) : this.inputs.deleteService(change.object);
    this.markDue(key, { service: kubernetesCause('Service', change.object) });
    return this.afterChange();
  }

  private onSlice(change: ObjectChange<EndpointSlice>): Promise<void> | undefined {
    const keys = change.type === 'upsert' ? this.inputs.setSlice(change.object) : this.inputs.deleteSlice(change.object);
    const slice = kubernetesCause('EndpointSlice', change.object);
    for (const key of keys) this.markDue(key, { slice });
    return this.afterChange();
  }

  private markDue(key: string, triggers: ServiceTriggers): void {
    const before = this.dirty.get(key);
    // The initial list is not a change: what it makes us remove was removed while we were down.
    if (!this.synced) {
      if (!before) this.dirty.set(key, {});
      return;
    }
    this.dirty.set(key, { ...before, ...triggers });
  }

  // Handlers return at once so a burst piles up into one batch, unless too much is pending:
  // then they wait for the writer, which holds the source back (bounded memory).
  private afterChange(): Promise<void> | undefined {
    if (!this.synced) return undefined;
    this.schedule();
    return this.dirty.size >= this.maxPending ? this.flushing : undefined;
  }

  private schedule(): void {
    if (!this.synced || this.flushing || this.retryTimer || this.dirty.size === 0) return;
    // setImmediate: let every change already queued (a list, a burst of watch events) join the batch.
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .catch((e: unknown) => this.context?.logger.error(`writer failed: ${(e as Error).stack ?? String(e)}`))
      .finally(() => {
        this.flushing = undefined;
        this.schedule();
      });
  }

  private async drain(): Promise<void> {
    while (this.dirty.size > 0 && !this.retryTimer) {
      const batch = this.takeBatch();
      if (batch.requests.length > 0) await this.commit(batch);
    }
  }

  private takeBatch(): Batch {
    const requests: AppendRequest[] = [];
    const taken = new Map<string, ServiceTriggers>();
    let events = 0;
    let frontendsChanged = false;
    const limit = this.isolate > 0 ? 1 : this.maxBatchEvents;
    for (const [key, triggers] of this.dirty) {
      this.dirty.delete(key);
      taken.set(key, triggers);
      const request = this.decide(key, triggers).request;
      if (request) {
        requests.push(request);
        events += request.events.length;
        frontendsChanged ||= request.events.some((e) => e.type === 'ServiceDeleted' || e.type === 'ServiceUpserted');
        this.applyAhead(request);
      }
      if (events >= limit) break;
    }
    if (this.isolate > 0) this.isolate -= taken.size;
    return { requests, taken, events, frontendsChanged };
  }

  private decide(key: string, triggers: ServiceTriggers): ServiceDecision {
    const service = this.inputs.service(key);
    const result = service ? desiredService(service, this.inputs.slicesOf(key)) : { desired: undefined, problems: [] };
    const decision = decideService(this.state, {
      key,
      desired: result.desired,
      current: service ? kubernetesCause('Service', service) : undefined,
      triggers,
    });
    const problems = [...result.problems, ...decision.problems];
    if (problems.some((p) => p.reason === 'conflict')) this.conflicted.add(key);
    else this.conflicted.delete(key);
    this.noteProblems(key, problems);
    return decision;
  }

  // The decision's events go into the state before they are stored: the next service in the
  // batch must see the ids this one took. A failed append rebuilds the state from the log.
  private applyAhead(request: AppendRequest): void {
    const base = typeof request.expectedVersion === 'number' ? request.expectedVersion : 0;
    request.events.forEach((e, i) => applyLbEvent(this.state, { stream: request.stream, version: base + i + 1, type: e.type, data: e.data }));
  }

  private async commit(batch: Batch): Promise<void> {
    const { log } = this.requireContext();
    try {
      const results = await log.appendMany(batch.requests);
      this.lastSeq = results.at(-1)?.lastSeq ?? this.lastSeq;
      this.counters.batches++;
      this.counters.eventsAppended += batch.events;
      this.counters.lastBatchEvents = batch.events;
      this.storageFailing = false;
      this.retryDelay = 0;
      if (batch.frontendsChanged) for (const key of this.conflicted) this.markDue(key, {});
      this.eventsSinceSnapshot += batch.events;
      const every = this.requireContext().config.snapshotEvery;
      // A snapshot costs the size of the state; taking one at most every state-size events keeps it O(1) per event.
      if (every > 0 && this.eventsSinceSnapshot >= Math.max(every, this.state.services.size + this.state.backends.size)) await this.snapshot();
    } catch (e) {
      await this.recover(batch, e);
    }
  }

  private async recover(batch: Batch, error: unknown): Promise<void> {
    const { logger } = this.requireContext();
    this.counters.appendFailures++;
    const streams = batch.requests.map((r) => r.stream);
    logger.error(
      `appending ${batch.events} events to ${streams.length} streams (${streams.slice(0, 3).join(', ')}${streams.length > 3 ? ', ...' : ''}) failed: ` +
        `${(error as Error).message}; rebuilding the state from the log`,
    );
    await this.rebuild();
    if (isConcurrencyError(error)) {
      // One writer per log: a stream that moved under us means a second writer or a bug, so trust nothing and resync.
      logger.error(`CONCURRENCY: stream ${error.stream} is at version ${error.actual}, expected ${String(error.expected)}; is a second lb service writing to this log? Deciding every service again`);
      for (const key of [...this.inputs.serviceKeys(), ...this.state.services.keys()]) this.markDue(key, {});
      return;
    }
    for (const [key, triggers] of batch.taken) this.markDue(key, triggers);
    if (batch.requests.length > 1) {
      this.isolate = batch.taken.size;
      return;
    }
    if (isContractError(error)) {
      // The data itself is refused: retrying cannot help. What the log holds stays in force.
      const key = serviceKeyOfStream(streams[0] ?? '');
      if (key !== undefined) this.dirty.delete(key);
      this.counters.droppedDecisions++;
      logger.error(`dropped the decision for ${streams.join(', ')}: ${(error as Error).message}`);
      return;
    }
    this.storageFailing = true;
    this.retryDelay = Math.min(this.retryMaxMs, this.retryDelay === 0 ? this.retryMinMs : this.retryDelay * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.schedule();
    }, this.retryDelay);
    this.retryTimer.unref();
  }

  private async rebuild(): Promise<void> {
    const { log, config } = this.requireContext();
    const rebuilt = await rebuildProjection(log, lbProjection, { snapshotEvery: config.snapshotEvery });
    this.state = rebuilt.state;
    this.lastSeq = rebuilt.seq;
    this.eventsSinceSnapshot = 0;
    this.counters.rebuilds++;
  }

  private async snapshot(): Promise<void> {
    const { log, logger, config } = this.requireContext();
    if (config.snapshotEvery <= 0 || this.lastSeq === 0) return;
    try {
      await saveSnapshot(log, lbProjection, this.state, this.lastSeq);
      this.eventsSinceSnapshot = 0;
    } catch (e) {
      logger.error(`saving a snapshot at seq ${this.lastSeq} failed (the next start replays more): ${(e as Error).message}`);
    }
  }

  private noteProblems(key: string, problems: readonly InputProblem[]): void {
    if (problems.length === 0) {
      this.problems.delete(key);
      return;
    }
    const lines = problems.map((p) => `${p.objectKind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}: ${p.field}: ${p.message}`);
    const before = this.problems.get(key);
    this.problems.set(key, lines);
    if (before && before.length === lines.length && before.every((l, i) => l === lines[i])) return;
    for (const line of lines) this.context?.logger.error(`${line} (skipped; the rest of the service is in force)`);
  }

  private requireContext(): ServiceContext {
    if (!this.context) throw new Error('lb domain used before start()');
    return this.context;
  }
}
