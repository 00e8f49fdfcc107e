import type { EventEnvelope, ServiceName } from '@netledger/contracts';
import type { EventHandler } from '@netledger/bus';
import type { DatapathMaps } from '@netledger/datapath';
import { addGaugeSource, processHistogram, type Histogram, type Logger } from '@netledger/runtime';
import { NodeDesiredState, type DesiredStateSummary } from './desired/node-desired-state.js';
import { DatapathReconciler, type ReconcilerStatus } from './reconcile/datapath-reconciler.js';
import { MAP_PRESSURE, POLICY_IMPLEMENTATION_DELAY, RECONCILE_DURATION } from './reconcile/datapath-metric-specs.js';
import type { ReconcileStats } from './reconcile/reconcile-stats.js';

/** An event the desired state could not take: counted, reported, skipped. */
export interface RejectedEvent {
  readonly service: ServiceName;
  readonly seq: number;
  readonly type: string;
  readonly error: string;
}

export interface DatapathDriverStatus {
  /** True once every stream caught up and the first full reconcile ran. */
  readonly programming: boolean;
  /** Streams re-bootstrapping: writes wait until they caught up. */
  readonly held: readonly ServiceName[];
  readonly desired: DesiredStateSummary;
  readonly reconciler: ReconcilerStatus;
  readonly rejectedEvents: number;
  readonly lastRejected?: RejectedEvent;
  /** The last reconcile failure other than a full map, cleared by the next good run. */
  readonly lastError?: string;
  readonly lastRun?: { readonly at: string; readonly ms: number; readonly events: number; readonly stats: ReconcileStats };
}

// A reconcile run follows the events that arrived in one turn of the event loop; while maps
// are full (or writes wait on them), runs are retried at this interval.
const RETRY_MS = 1000;

// The policy events whose implementation delay is measured: changes of what is in force.
const POLICY_CHANGES: ReadonlySet<string> = new Set(['PolicyAccepted', 'PolicyDeleted']);

/**
 * Between the consumers and the maps: each event goes into the desired state at once; the
 * reconciler runs once per burst (after the events that arrived together), and only after
 * every followed stream has caught up, so a restarted agent never writes a half-built state.
 */
export class DatapathDriver {
  readonly desired: NodeDesiredState;
  readonly reconciler: DatapathReconciler;
  readonly #logger: Logger;
  #programming = false;
  #scheduled = false;
  #eventsSinceRun = 0;
  #rejected = 0;
  #lastRejected: RejectedEvent | undefined;
  #lastRun: DatapathDriverStatus['lastRun'];
  #retry: NodeJS.Timeout | undefined;
  #stopped = false;
  #lastError: string | undefined;
  /** Streams re-bootstrapping after a gap: no writes until they caught up again. */
  readonly #held = new Set<ServiceName>();
  readonly #nodeName: string;
  /** Append times (ms) of the live policy changes in the desired state whose map writes have not all landed yet. */
  #policyChangeTimes: number[] = [];
  readonly #policyDelay: Histogram<'node'> = processHistogram(POLICY_IMPLEMENTATION_DELAY);
  readonly #reconcileDuration: Histogram<'node'> = processHistogram(RECONCILE_DURATION);
  readonly #removeMapPressure: () => void;

  constructor(nodeName: string, maps: DatapathMaps, logger: Logger) {
    this.#logger = logger;
    this.#nodeName = nodeName;
    this.desired = new NodeDesiredState({ nodeName });
    this.reconciler = new DatapathReconciler(this.desired, maps, {
      onMapFull: (record, error) => logger.error(`map full: ${error.message} (${record.pending} entries wait for it)`),
    });
    this.#removeMapPressure = addGaugeSource(MAP_PRESSURE, () =>
      this.reconciler.mapFill().map((f) => ({ labels: { map: f.map, node: nodeName }, value: f.capacity > 0 ? f.entries / f.capacity : 0 })),
    );
  }

  /** The consumer handler for one stream. */
  handlerFor(service: ServiceName): EventHandler {
    return {
      apply: (event: EventEnvelope) => {
        try {
          this.desired.apply(event);
        } catch (e) {
          // One bad event must not stop the node: skip it, count it, say which it was.
          this.#rejected += 1;
          this.#lastRejected = { service, seq: event.seq, type: event.type, error: (e as Error).message };
          this.#logger.error(`${service} seq ${event.seq} (${event.type}) skipped: ${(e as Error).message}`);
        }
        this.#eventsSinceRun += 1;
        // Only live changes: events replayed at start or after a re-bootstrap are old, and
        // their age says nothing about how fast this node implements a change.
        if (service === 'policy' && POLICY_CHANGES.has(event.type) && this.#programming && !this.#held.has(service)) {
          this.#policyChangeTimes.push(Date.parse(event.time));
        }
        this.#schedule();
      },
      reset: () => {
        // The stream is replayed from its start: until it catches up, the desired state is
        // missing what the replay has not reached, and writing it would cut live traffic.
        this.#held.add(service);
        this.desired.reset(service);
      },
    };
  }

  /** The interfaces the CNI plugin registered changed (node-local input beside the events). */
  setInterfaces(byIp: ReadonlyMap<string, number>): void {
    this.desired.setInterfaces(byIp);
    this.#schedule();
  }

  /** Every stream caught up: read the maps back, reconcile in full, and program from now on. */
  startProgramming(): ReconcileStats {
    this.#programming = true;
    return this.#run(() => this.reconciler.start());
  }

  /** Streams whose re-bootstrap holds writes back. */
  get held(): ServiceName[] {
    return [...this.#held];
  }

  /** A re-bootstrapped stream caught up again: writes resume with what changed meanwhile. */
  release(service: ServiceName): void {
    if (!this.#held.delete(service)) return;
    this.#logger.info(`${service} caught up after its re-bootstrap; datapath writes resume`);
    this.#schedule();
  }

  get programming(): boolean {
    return this.#programming;
  }

  /** Applies pending changes now (tests and benchmarks; the agent schedules runs itself). */
  flush(): ReconcileStats | undefined {
    if (!this.#programming || this.#held.size > 0) return undefined;
    // reconcile() runs the full start() itself when a failed first run never finished it.
    return this.#run(() => this.reconciler.reconcile());
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
    this.#removeMapPressure();
  }

  status(): DatapathDriverStatus {
    return {
      programming: this.#programming,
      held: [...this.#held],
      desired: this.desired.summary(),
      reconciler: this.reconciler.status(),
      rejectedEvents: this.#rejected,
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
      ...(this.#lastRejected ? { lastRejected: this.#lastRejected } : {}),
      ...(this.#lastRun ? { lastRun: this.#lastRun } : {}),
    };
  }

  #schedule(): void {
    if (this.#scheduled || !this.#programming || this.#stopped || this.#held.size > 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (!this.#stopped) this.flush();
    });
  }

  #run(work: () => ReconcileStats): ReconcileStats {
    const t0 = performance.now();
    const events = this.#eventsSinceRun;
    this.#eventsSinceRun = 0;
    let stats: ReconcileStats;
    try {
      stats = work();
      this.#lastError = undefined;
    } catch (e) {
      // A map operation failed for another reason than a full map (full maps are handled in
      // the reconciler): the desired state stays, the run is retried.
      this.#lastError = (e as Error).message;
      this.#logger.error(`datapath reconcile failed: ${this.#lastError}`);
      stats = { updates: 0, deletes: 0, byMap: {} };
    }
    const ms = performance.now() - t0;
    this.#lastRun = { at: new Date().toISOString(), ms, events, stats };
    this.#reconcileDuration.observe({ node: this.#nodeName }, ms / 1000);
    this.#observePolicyChanges();
    clearTimeout(this.#retry);
    this.#retry = undefined;
    if ((this.#lastError !== undefined || this.reconciler.pendingOperations > 0) && !this.#stopped) {
      this.#retry = setTimeout(() => this.flush(), RETRY_MS);
      this.#retry.unref();
    }
    return stats;
  }

  /**
   * A policy change is implemented once a run ended with nothing pending: the run that wrote
   * its entries, or a later one when a full map or a failed call held some back (the change
   * may be among them; which key came from which change is not tracked).
   */
  #observePolicyChanges(): void {
    if (this.#policyChangeTimes.length === 0 || this.#lastError !== undefined || this.reconciler.pendingOperations > 0) return;
    const now = Date.now();
    for (const t of this.#policyChangeTimes) this.#policyDelay.observe({ node: this.#nodeName }, Math.max(0, now - t) / 1000);
    this.#policyChangeTimes = [];
  }
}
