import { EventValidationError, type Cause } from '@netledger/contracts';
import { isConcurrencyError, type AppendRequest, type AppendResult } from '@netledger/eventlog';
import type { KubeObject, Namespace, ObjectChange, ObjectSource, Pod, PolicyObject } from '@netledger/k8s';
import type { PolicyKind } from '@netledger/policy-engine';
import { addGaugeSource, type QueryHandler, type ServiceContext, type ServiceDomain } from '@netledger/runtime';
import { decideEndpoints, type PodChange } from './decide-endpoints.js';
import { decideGarbageCollection } from './decide-garbage-collection.js';
import { decidePolicyCidrs, type PolicyCidrChange } from './decide-policy-cidrs.js';
import { decideReservedIdentities } from './decide-reserved-identities.js';
import { IDENTITIES, UNREFERENCED_IDENTITIES } from './identity-metric-specs.js';
import { resolveIdentityOptions, type IdentityOptions, type ResolvedIdentityOptions } from './identity-options.js';
import { listEndpoints, listIdentities } from './identity-queries.js';
import { emptyIdentityState, type IdentityScope, type IdentityState } from './identity-state.js';
import { LabelFilter } from './label-filter.js';
import { LoggedIdentityState } from './logged-identity-state.js';
import { ObservedCluster, type Touched } from './observed-cluster.js';
import { ObservedPolicies } from './observed-policies.js';

/** Cause of removals found at start: the pod was deleted while the service was down. */
const RESYNC_CAUSE: Cause = { kind: 'command', command: 'identity resync', actor: 'identity-service' };
/** How long to wait before retrying after the log failed to append (disk full, database gone). */
const APPEND_RETRY_MS = 1000;
const EMPTY_STATE = emptyIdentityState();
/** Pods named in status; the count says how many there are in all. */
const STATUS_LIST_LIMIT = 20;

/**
 * The identity service's decisions (Cilium's identity model): pods and namespaces in, security
 * identities and endpoints out, all of it in the service's own log.
 *
 * Source changes only mark pods as dirty; one worker decides the dirty pods in batches
 * against the state (a projection of the log), appends each batch in one transaction and
 * applies the stored events back to the state. A burst of changes thus costs one fsync per
 * batch, and a namespace change touches only that namespace's pods.
 */
export class IdentityDomain implements ServiceDomain {
  private readonly options: ResolvedIdentityOptions;
  private readonly filter: LabelFilter;
  private readonly cluster: ObservedCluster;
  private logged: LoggedIdentityState | undefined;
  private context: ServiceContext | undefined;
  private readonly policies = new ObservedPolicies();
  private sources: Array<ObjectSource<KubeObject>> = [];

  private readonly dirty = new Map<string, Cause>();
  /** Pods waiting for a free identity number, and pods waiting for their namespace. */
  private readonly exhausted = new Map<string, Cause>();
  private readonly awaitingNamespace = new Map<string, Cause>();
  /** Policies whose CIDR references to decide, and those waiting for a free CIDR number, by stream. */
  private readonly dirtyPolicies = new Map<string, PolicyCidrChange>();
  private readonly exhaustedPolicies = new Map<string, PolicyCidrChange>();
  private gcRequested = false;
  private worker: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private gcTimer: NodeJS.Timeout | undefined;
  private synced = false;
  private stopped = false;
  private readonly removeMetrics: Array<() => void> = [];

  private failedAllocations = 0;
  private invalidPods = 0;
  private invalidPolicies = 0;
  private released = 0;
  private conflicts = 0;
  private lastProblem: string | undefined;

  constructor(options: IdentityOptions = {}) {
    this.options = resolveIdentityOptions(options);
    this.filter = new LabelFilter(this.options.labelExclude);
    this.cluster = new ObservedCluster(this.filter);
  }

  /** The state as of the last append (empty before start: queries may come first). */
  private get state(): IdentityState {
    return this.logged?.state ?? EMPTY_STATE;
  }

  async start(context: ServiceContext): Promise<void> {
    this.context = context;
    this.logged = new LoggedIdentityState(context.log, context.config.snapshotEvery, (m) => this.problem(m));
    await this.logged.rebuild();
    const reserved = decideReservedIdentities(this.state);
    if (reserved.length > 0) await this.applyStored(await context.log.appendMany(reserved));

    // Namespaces first: a pod's identity includes its namespace's labels.
    const namespaces = context.sources.namespaces();
    this.sources.push(namespaces);
    await namespaces.start((c) => this.onNamespace(c));
    const pods = context.sources.pods();
    this.sources.push(pods);
    await pods.start((c) => this.onPod(c));
    const policySources: Array<[PolicyKind, ObjectSource<PolicyObject>]> = [
      ['NetworkPolicy', context.sources.networkPolicies()],
      ['CiliumNetworkPolicy', context.sources.ciliumNetworkPolicies()],
      ['CiliumClusterwideNetworkPolicy', context.sources.ciliumClusterwideNetworkPolicies()],
    ];
    for (const [kind, source] of policySources) {
      this.sources.push(source);
      await source.start((c) => this.onPolicy(kind, c));
    }

    // Every source has listed everything: endpoints whose pod is gone were deleted while we were
    // down, and so were policies that still hold CIDR references but are not listed.
    for (const key of this.state.endpoints.keys()) if (!this.cluster.hasPod(key)) this.dirty.set(key, RESYNC_CAUSE);
    for (const [stream, p] of this.state.policyCidrs) {
      if (p.cidrs.length === 0 || this.policies.isListed(stream)) continue;
      this.dirtyPolicies.set(stream, { stream, policyKind: p.policyKind, namespace: p.namespace, name: p.name, cidrs: [], cause: RESYNC_CAUSE });
    }
    this.synced = true;
    this.kick();
    await this.settled();
    this.gcTimer = setInterval(() => this.requestGc(), this.options.gcIntervalMs);
    this.gcTimer.unref();
    // Computed at scrape time from the state: allocating costs nothing more.
    this.removeMetrics.push(
      addGaugeSource(IDENTITIES, () => Object.entries(this.liveIdentities().byScope).map(([kind, value]) => ({ labels: { kind }, value }))),
      addGaugeSource(UNREFERENCED_IDENTITIES, () => [{ labels: {}, value: this.state.unreferenced.size }]),
    );
    context.logger.info(
      `${this.state.endpoints.size} endpoints, ${this.state.byLabels.size} identities in force (${this.liveIdentities().cidr} CIDR); ` +
        `cluster range ${this.options.clusterRange.first}-${this.options.clusterRange.last}, gc grace ${this.options.gcGraceMs / 1000}s`,
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const remove of this.removeMetrics.splice(0)) remove();
    clearInterval(this.gcTimer);
    clearTimeout(this.retryTimer);
    for (const s of this.sources) await s.stop();
    await this.settled();
  }

  /** Resolves once every change delivered so far is decided and appended (tests, benchmarks). */
  async settled(): Promise<void> {
    while (this.worker) await this.worker;
  }

  /**
   * Runs the garbage collector now (it also runs on a timer) and resolves with the number of
   * identities released so far. Tests call it after moving their clock.
   */
  async collectGarbage(): Promise<number> {
    this.requestGc();
    await this.settled();
    return this.released;
  }

  status(): Record<string, unknown> & { healthy?: boolean } {
    const live = this.liveIdentities();
    return {
      synced: this.synced,
      identities: live.all,
      unreferencedIdentities: this.state.unreferenced.size,
      endpoints: this.state.endpoints.size,
      identityExhausted: this.exhausted.size > 0,
      failedAllocations: this.failedAllocations,
      pendingPodCount: this.exhausted.size,
      pendingPods: [...this.exhausted.keys()].slice(0, STATUS_LIST_LIMIT),
      awaitingNamespace: this.awaitingNamespace.size,
      invalidPods: this.invalidPods,
      cidrIdentities: live.cidr,
      invalidPolicies: this.invalidPolicies,
      pendingPolicyCount: this.exhaustedPolicies.size,
      queuedPolicies: this.dirtyPolicies.size,
      releasedIdentities: this.released,
      concurrencyConflicts: this.conflicts,
      queuedPods: this.dirty.size,
      ...(this.lastProblem ? { lastProblem: this.lastProblem } : {}),
    };
  }

  queries(): Readonly<Record<string, QueryHandler>> {
    return {
      identities: (params) => listIdentities(this.state, params),
      endpoints: (params) => listEndpoints(this.state, params),
    };
  }

  private liveIdentities(): { all: number; cidr: number; byScope: Record<IdentityScope, number> } {
    const byScope: Record<IdentityScope, number> = { reserved: 0, cluster: 0, cidr: 0 };
    let all = 0;
    for (const r of this.state.identities.values()) {
      if (!r.live) continue;
      all++;
      byScope[r.scope]++;
    }
    return { all, cidr: byScope.cidr, byScope };
  }

  private onPolicy(kind: PolicyKind, change: ObjectChange<PolicyObject>): void {
    const seen = this.policies.onPolicy(kind, change);
    if (seen.kind === 'invalid') {
      this.problem(`${seen.problem}; its CIDR references in force (if any) stay`, () => this.invalidPolicies++);
      return;
    }
    this.dirtyPolicies.set(seen.change.stream, seen.change);
    this.kick();
  }

  private onPod(change: ObjectChange<Pod>): void {
    this.markDirty(this.cluster.onPod(change));
    this.kick();
  }

  private onNamespace(change: ObjectChange<Namespace>): void {
    // A pod that waited for its namespace keeps its own change as the cause.
    for (const t of this.cluster.onNamespace(change)) this.markDirty({ key: t.key, cause: this.awaitingNamespace.get(t.key) ?? t.cause });
    this.kick();
  }

  private markDirty(t: Touched): void {
    this.dirty.set(t.key, t.cause);
  }

  private requestGc(): void {
    this.gcRequested = true;
    this.kick();
  }

  /** Starts the worker unless it runs, the sources are still listing, or appends are backing off. */
  private kick(): void {
    if (!this.synced || this.stopped || this.worker || this.retryTimer) return;
    if (this.dirty.size === 0 && this.dirtyPolicies.size === 0 && !this.gcRequested) return;
    // Waiting one turn of the event loop lets changes delivered together (an informer's burst,
    // a list) land in one batch instead of the first of them going alone.
    this.worker = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.work())
      .catch((e: unknown) => {
        this.problem(`worker failed: ${(e as Error).stack ?? String(e)}; retrying in ${APPEND_RETRY_MS} ms`);
        this.backOff();
      })
      .finally(() => {
        this.worker = undefined;
        this.kick();
      });
  }

  /** Pauses the worker for a while (the log failed): kick() does nothing until the timer fires. */
  private backOff(): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, APPEND_RETRY_MS);
  }

  private async work(): Promise<void> {
    while (!this.stopped && !this.retryTimer) {
      if (this.gcRequested) {
        this.gcRequested = false;
        await this.append(decideGarbageCollection(this.state, this.options.clock(), this.options.gcGraceMs));
      } else if (this.dirtyPolicies.size > 0) {
        await this.decidePolicies();
      } else if (this.dirty.size > 0) {
        await this.decideBatch(this.takeBatch());
      } else {
        return;
      }
    }
  }

  private takeBatch(): PodChange[] {
    const batch: PodChange[] = [];
    for (const [key, cause] of this.dirty) {
      this.dirty.delete(key);
      const namespace = key.includes('/') ? key.slice(0, key.indexOf('/')) : '';
      batch.push({ key, pod: this.cluster.pod(key), namespaceLabels: this.cluster.namespacePart(namespace), cause });
      if (batch.length >= this.options.batchSize) break;
    }
    return batch;
  }

  /** Policies are few and change rarely: all queued ones go in one append. */
  private async decidePolicies(): Promise<void> {
    const batch = [...this.dirtyPolicies.values()];
    this.dirtyPolicies.clear();
    const decisions = decidePolicyCidrs(this.state, batch);
    const outcome = await this.append(decisions.requests);
    if (outcome === 'invalid') {
      // One by one, so only the policy whose event is rejected is left out.
      if (batch.length > 1) {
        for (const change of batch) await this.decidePolicyAlone(change);
      } else {
        this.invalidPolicies++;
      }
      return;
    }
    if (outcome === 'retry') {
      for (const c of batch) if (!this.dirtyPolicies.has(c.stream)) this.dirtyPolicies.set(c.stream, c);
      return;
    }
    this.notePolicyOutcome(batch, decisions.exhausted);
  }

  private async decidePolicyAlone(change: PolicyCidrChange): Promise<void> {
    const decisions = decidePolicyCidrs(this.state, [change]);
    const outcome = await this.append(decisions.requests);
    if (outcome === 'invalid') this.invalidPolicies++;
    else if (outcome === 'retry') this.dirtyPolicies.set(change.stream, change);
    else this.notePolicyOutcome([change], decisions.exhausted);
  }

  private notePolicyOutcome(batch: readonly PolicyCidrChange[], exhausted: readonly string[]): void {
    for (const c of batch) this.exhaustedPolicies.delete(c.stream);
    const byStream = new Map(batch.map((c) => [c.stream, c]));
    for (const stream of exhausted) this.exhaustedPolicies.set(stream, byStream.get(stream)!);
    if (exhausted.length > 0) {
      this.failedAllocations += exhausted.length;
      this.problem(`CIDR identity range exhausted: ${this.exhaustedPolicies.size} policies wait for a number to be released (e.g. ${exhausted[0]})`);
    }
  }

  private async decideBatch(batch: readonly PodChange[]): Promise<void> {
    const decisions = decideEndpoints(this.state, batch, { filter: this.filter, clusterRange: this.options.clusterRange });
    const outcome = await this.append(decisions.requests);
    if (outcome === 'invalid') {
      // One pod's event failed validation; decide them one by one so only that pod is left out.
      if (batch.length > 1) for (const change of batch) await this.decideBatch([change]);
      else this.invalidPods++;
      return;
    }
    if (outcome === 'retry') {
      for (const c of batch) if (!this.dirty.has(c.key)) this.dirty.set(c.key, c.cause);
      return;
    }
    for (const c of batch) {
      this.exhausted.delete(c.key);
      this.awaitingNamespace.delete(c.key);
    }
    const causes = new Map(batch.map((c) => [c.key, c.cause]));
    for (const key of decisions.exhausted) this.exhausted.set(key, causes.get(key)!);
    for (const key of decisions.awaitingNamespace) this.awaitingNamespace.set(key, causes.get(key)!);
    for (const { key, problem } of decisions.invalid) this.problem(`pod ${key}: ${problem}; its endpoint in force (if any) stays`, () => this.invalidPods++);
    if (decisions.exhausted.length > 0) {
      this.failedAllocations += decisions.exhausted.length;
      const { first, last } = this.options.clusterRange;
      this.problem(`identity range ${first}-${last} exhausted: ${this.exhausted.size} pods wait for a number to be released (e.g. ${decisions.exhausted[0]})`);
    }
  }

  /**
   * Appends requests decided against the state and applies what was stored. A concurrency
   * conflict means a second writer or a bug: the state is rebuilt from the log and every pod
   * decided again. Storage failures back off and retry; invalid data is reported to the caller.
   */
  private async append(requests: readonly AppendRequest[]): Promise<'ok' | 'invalid' | 'retry'> {
    if (requests.length === 0) return 'ok';
    const context = this.context!;
    let results: AppendResult[];
    try {
      results = await context.log.appendMany(requests);
    } catch (e) {
      if (e instanceof EventValidationError) {
        this.problem(`event rejected by its schema: ${e.message}`);
        return 'invalid';
      }
      if (isConcurrencyError(e)) {
        this.conflicts++;
        this.problem(`CONFLICT ${e.message}: another writer appends to the identity log, or the state is wrong; rebuilding it from the log`);
        await this.logged!.rebuild();
        for (const key of this.state.endpoints.keys()) this.dirty.set(key, RESYNC_CAUSE);
        for (const key of this.cluster.podKeys()) this.dirty.set(key, RESYNC_CAUSE);
        for (const change of this.policies.current()) this.dirtyPolicies.set(change.stream, change);
        return 'retry';
      }
      this.problem(`append failed, retrying in ${APPEND_RETRY_MS} ms: ${(e as Error).message}`);
      this.backOff();
      return 'retry';
    }
    await this.applyStored(results);
    return 'ok';
  }

  private async applyStored(results: readonly AppendResult[]): Promise<void> {
    const released = await this.logged!.applyStored(results);
    if (released === 0) return;
    this.released += released;
    this.context!.logger.info(`gc: released ${released} identities unreferenced for ${this.options.gcGraceMs / 1000}s`);
    // Numbers are free again: pods that found none get another try.
    for (const [key, cause] of this.exhausted) if (!this.dirty.has(key)) this.dirty.set(key, cause);
    for (const [stream, change] of this.exhaustedPolicies) if (!this.dirtyPolicies.has(stream)) this.dirtyPolicies.set(stream, change);
  }

  private problem(message: string, count?: () => void): void {
    count?.();
    this.lastProblem = message;
    this.context?.logger.error(message);
  }
}
