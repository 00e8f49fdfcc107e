import { isContractError } from '@netledger/contracts';
import { isConcurrencyError, rebuildProjection, saveSnapshot, type AppendRequest } from '@netledger/eventlog';
import type { ClusterSources, ObjectChange, ObjectSource, PolicyObject } from '@netledger/k8s';
import type { PolicyKind } from '@netledger/policy-engine';
import { addGaugeSource, type QueryHandler, type ServiceContext, type ServiceDomain } from '@netledger/runtime';
import { CoalescingQueue } from './coalescing-queue.js';
import { decidePolicyChanges, deletionsOfUnlisted, streamOfChange, type PolicyChange } from './decide-policy-changes.js';
import { POLICIES } from './policy-metric-specs.js';
import { policyQueries } from './policy-queries.js';
import { policyProjection, type PolicyState } from './policy-state.js';
import { POLICY_KINDS } from './policy-stream.js';

/** Tuning of the policy domain; the defaults suit a service process. */
export interface PolicyDomainOptions {
  /** Pending changes above which a source waits for the current batch to be written. */
  readonly highWater?: number;
  /** First delay before a batch that failed to append is retried (doubles up to 30 s). */
  readonly retryDelayMs?: number;
}

interface WatchedSource {
  readonly kind: PolicyKind;
  readonly source: ObjectSource<PolicyObject>;
}

const MAX_RETRY_DELAY_MS = 30_000;

function sourceOf(sources: ClusterSources, kind: PolicyKind): ObjectSource<PolicyObject> {
  switch (kind) {
    case 'NetworkPolicy':
      return sources.networkPolicies();
    case 'CiliumNetworkPolicy':
      return sources.ciliumNetworkPolicies();
    case 'CiliumClusterwideNetworkPolicy':
      return sources.ciliumClusterwideNetworkPolicies();
  }
}

/**
 * The policy service's decisions: NetworkPolicy, CiliumNetworkPolicy and
 * CiliumClusterwideNetworkPolicy changes → validate and normalize (policy engine) → policy events
 * in the log → state (a projection of the log). The cluster-wide revision is derived from the
 * log, so a restart continues it; after the initial list, policies deleted while the service was
 * down get their `PolicyDeleted`.
 */
export class PolicyDomain implements ServiceDomain {
  readonly #options: Required<PolicyDomainOptions>;
  readonly #queue: CoalescingQueue<PolicyChange>;
  #context: ServiceContext | undefined;
  #state: PolicyState = policyProjection.initial();
  #watched: WatchedSource[] = [];
  #synced = false;
  #stopped = false;
  #removeMetrics: (() => void) | undefined;
  #changesSeen = 0;
  #eventsAppended = 0;
  #sinceSnapshot = 0;
  /** Policies in the state at the last snapshot (counted then, not per append). */
  #snapshotSize = 0;
  #badInput = 0;
  #appendFailures = 0;
  #lastError: string | undefined;
  /** The last append failed for a reason other than the decision itself (storage): unhealthy until one succeeds. */
  #appendFailing = false;
  /** Streams whose last batch failed to append; retried from the sources' current objects. */
  readonly #failed = new Set<string>();
  #retryDelayMs: number;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(options: PolicyDomainOptions = {}) {
    this.#options = Object.freeze({ highWater: options.highWater ?? 5000, retryDelayMs: options.retryDelayMs ?? 500 });
    this.#retryDelayMs = this.#options.retryDelayMs;
    this.#queue = new CoalescingQueue((batch) => this.#commit(batch), this.#options.highWater);
  }

  async start(context: ServiceContext): Promise<void> {
    this.#context = context;
    const rebuilt = await rebuildProjection(context.log, policyProjection, { snapshotEvery: context.config.snapshotEvery });
    this.#state = rebuilt.state;
    this.#snapshotSize = Object.keys(this.#state.policies).length;
    context.logger.info(
      `policy state rebuilt: revision ${this.#state.revision}, ${Object.keys(this.#state.policies).length} policies, ` +
        `${rebuilt.replayed} events replayed${rebuilt.fromSnapshot ? ' after a snapshot' : ''}`,
    );
    this.#watched = POLICY_KINDS.map((kind) => ({ kind, source: sourceOf(context.sources, kind) }));
    await Promise.all(this.#watched.map(({ kind, source }) => source.start((change) => this.#onChange(kind, change))));
    await this.#queue.idle();
    this.#reconcileUnlisted();
    await this.#queue.idle();
    this.#synced = true;
    // Counted at scrape time from the state.
    this.#removeMetrics = addGaugeSource(POLICIES, () => {
      const counts = new Map<string, number>();
      for (const r of Object.values(this.#state.policies)) {
        if (r.inForce !== null) counts.set(`${r.kind}|in_force`, (counts.get(`${r.kind}|in_force`) ?? 0) + 1);
        if (r.rejected !== null) counts.set(`${r.kind}|rejected`, (counts.get(`${r.kind}|rejected`) ?? 0) + 1);
      }
      return POLICY_KINDS.flatMap((kind) =>
        (['in_force', 'rejected'] as const).map((state) => ({ labels: { kind, state }, value: counts.get(`${kind}|${state}`) ?? 0 })),
      );
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#removeMetrics?.();
    clearTimeout(this.#retryTimer);
    await Promise.all(this.#watched.map(({ source }) => source.stop()));
    await this.#queue.idle();
  }

  /** Resolves once every change received so far is decided and written (for tests and benchmarks). */
  async idle(): Promise<void> {
    await this.#queue.idle();
  }

  /** The current state (read-only use). */
  get state(): PolicyState {
    return this.#state;
  }

  status(): Record<string, unknown> & { healthy?: boolean } {
    const records = Object.values(this.#state.policies);
    return {
      healthy: !this.#appendFailing,
      watching: this.#watched.map((w) => w.kind),
      synced: this.#synced,
      revision: this.#state.revision,
      policiesInForce: records.filter((r) => r.inForce !== null).length,
      policiesRejected: records.filter((r) => r.rejected !== null).length,
      changesSeen: this.#changesSeen,
      eventsAppended: this.#eventsAppended,
      pendingChanges: this.#queue.size,
      badInput: this.#badInput,
      appendFailures: this.#appendFailures,
      retrying: this.#failed.size,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    };
  }

  queries(): Readonly<Record<string, QueryHandler>> {
    return policyQueries(() => this.#state);
  }

  #onChange(kind: PolicyKind, change: ObjectChange<PolicyObject>): Promise<void> | undefined {
    this.#changesSeen++;
    const meta = (change.object as Partial<PolicyObject> | undefined)?.metadata;
    if (typeof meta?.name !== 'string' || meta.name === '') {
      // Cannot even be named, so it cannot be recorded against a policy: count it and go on.
      this.#badInput++;
      this.#context?.logger.error(`${kind} change without metadata.name ignored`);
      return undefined;
    }
    const policyChange: PolicyChange = { type: change.type, kind, object: change.object };
    return this.#queue.push(streamOfChange(policyChange), policyChange);
  }

  // Run synchronously after the sources' initial lists: a change arriving later is queued after
  // these deletes (and a pending one for the same stream wins), so nothing live is overridden.
  #reconcileUnlisted(): void {
    const listed = new Set<string>();
    for (const { kind, source } of this.#watched) {
      for (const object of source.list()) listed.add(streamOfChange({ kind, object }));
    }
    const deletions = deletionsOfUnlisted(this.#state, listed);
    for (const change of deletions) this.#queue.pushIfAbsent(streamOfChange(change), change);
    if (deletions.length > 0) this.#context?.logger.info(`${deletions.length} policies were deleted while the service was down`);
  }

  // The queue's flush: never throws, whatever fails is logged, counted and retried or dropped.
  async #commit(batch: PolicyChange[]): Promise<void> {
    const requests = this.#decide(batch);
    if (requests.length === 0) return;
    try {
      await this.#append(requests);
    } catch (e) {
      try {
        await this.#recover(requests, e);
      } catch (again) {
        this.#appendFailing = true;
        this.#lastError = (again as Error).message ?? String(again);
        this.#context!.logger.error(`recovering from a failed append failed too, retrying later: ${this.#lastError}`);
        this.#retryLater(requests.map((r) => r.stream));
      }
    }
  }

  // Deciding is pure and should not throw; if the engine does on some object, that object alone
  // is dropped (counted as bad input) and the rest of the batch is decided together, so that
  // revisions stay consecutive.
  #decide(batch: readonly PolicyChange[]): AppendRequest[] {
    try {
      return decidePolicyChanges(this.#state, batch);
    } catch {
      const decidable = batch.filter((change) => {
        try {
          decidePolicyChanges(this.#state, [change]);
          return true;
        } catch (e) {
          this.#badInput++;
          this.#context!.logger.error(`${change.kind} ${streamOfChange(change)}: cannot be decided, ignored: ${(e as Error).message}`);
          return false;
        }
      });
      return decidePolicyChanges(this.#state, decidable);
    }
  }

  async #append(requests: readonly AppendRequest[]): Promise<void> {
    const context = this.#context!;
    const results = await context.log.appendMany(requests);
    this.#appendFailing = false;
    let lastSeq = 0;
    for (const r of results) {
      for (const event of r.events) this.#state = policyProjection.apply(this.#state, event);
      this.#eventsAppended += r.events.length;
      this.#sinceSnapshot += r.events.length;
      lastSeq = Math.max(lastSeq, r.lastSeq);
    }
    // Snapshots while running too, so a restart replays a bounded number of events. A snapshot
    // costs as much as the state is large, so it waits for at least as many events as there are
    // policies: its cost per event stays constant, and replaying that many events costs about
    // as much as loading the snapshot would.
    const every = context.config.snapshotEvery;
    if (every > 0 && this.#sinceSnapshot >= every && this.#sinceSnapshot >= this.#snapshotSize) {
      this.#sinceSnapshot = 0;
      this.#snapshotSize = Object.keys(this.#state.policies).length;
      await saveSnapshot(context.log, policyProjection, this.#state, lastSeq).catch((e: unknown) => {
        context.logger.error(`policy state snapshot at seq ${lastSeq} failed (the next start replays more): ${(e as Error).message}`);
      });
    }
  }

  async #recover(requests: readonly AppendRequest[], error: unknown): Promise<void> {
    const { log, logger } = this.#context!;
    this.#appendFailures++;
    this.#lastError = (error as Error).message ?? String(error);
    if (isConcurrencyError(error)) {
      // We are the only writer of this log: the state was wrong or someone else writes.
      logger.error(`CONCURRENCY CONFLICT in the policy log (${this.#lastError}): a second writer or a bug; rebuilding state from the log`);
      this.#state = (await rebuildProjection(log, policyProjection, { snapshotEvery: 0 })).state;
      this.#retryLater(requests.map((r) => r.stream));
      return;
    }
    if (isContractError(error)) {
      // Our own events do not match their schema: retrying cannot help, but one bad policy must
      // not block the others, so write the batch one stream at a time and drop only the culprit.
      if (requests.length === 1) {
        this.#badInput++;
        logger.error(`policy ${requests[0]!.stream}: decision not recorded: ${this.#lastError}`);
        return;
      }
      for (const request of requests) {
        try {
          await this.#append([request]);
        } catch (e) {
          await this.#recover([request], e);
        }
      }
      return;
    }
    // Storage trouble: keep what is in force, retry from the sources' current objects later.
    this.#appendFailing = true;
    logger.error(`appending ${requests.length} policy decisions failed, retrying in ${this.#retryDelayMs} ms: ${this.#lastError}`);
    this.#retryLater(requests.map((r) => r.stream));
  }

  #retryLater(streams: readonly string[]): void {
    for (const s of streams) this.#failed.add(s);
    if (this.#retryTimer !== undefined || this.#stopped) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#retryDelayMs = Math.min(this.#retryDelayMs * 2, MAX_RETRY_DELAY_MS);
      this.#resync();
    }, this.#retryDelayMs);
    this.#retryTimer.unref();
  }

  // Re-decides failed streams from what the sources hold now (not from the failed changes,
  // which a newer change may have superseded): listed objects as upserts, the rest as deletes.
  #resync(): void {
    const streams = new Set(this.#failed);
    this.#failed.clear();
    for (const { kind, source } of this.#watched) {
      for (const object of source.list()) {
        const change: PolicyChange = { type: 'upsert', kind, object };
        const stream = streamOfChange(change);
        if (!streams.delete(stream)) continue;
        this.#queue.pushIfAbsent(stream, change);
      }
    }
    const gone = deletionsOfUnlisted(this.#state, new Set(Object.keys(this.#state.policies).filter((s) => !streams.has(s))));
    for (const change of gone) this.#queue.pushIfAbsent(streamOfChange(change), change);
    void this.#queue.idle().then(() => {
      if (this.#failed.size === 0) {
        this.#retryDelayMs = this.#options.retryDelayMs;
        this.#lastError = undefined;
      }
    });
  }
}
