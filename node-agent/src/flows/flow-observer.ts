import type { NatsConnection } from '@netledger/bus';
import type { FlowRecord } from '@netledger/datapath';
import type { Logger } from '@netledger/runtime';
import { enrichFlow } from './enrich-flow.js';
import type { Flow } from './flow.js';
import { FlowClock } from './flow-clock.js';
import type { FlowContext } from './flow-context.js';
import { FlowMetrics } from './flow-metrics.js';
import { FlowPublisher, type FlowPublishPort } from './flow-publisher.js';
import { FlowQueryResponder } from './flow-query-responder.js';
import { FlowRing } from './flow-ring.js';
import { flowSubject } from './flow-subjects.js';

/** Where flow records come from: the datapath's ring (openDatapathTelemetry), or a fake. */
export interface FlowSource {
  /** Records after `afterSeq`, oldest first. */
  readFlows(afterSeq: bigint): FlowRecord[];
  /** Seq of the newest record written. */
  headSeq(): bigint;
  /** Called by stop(). */
  close?(): void;
}

export interface FlowObserverOptions {
  readonly node: string;
  readonly source: FlowSource;
  readonly context: FlowContext;
  /** Publishes and answers queries; without it flows only go to the ring (tests). */
  readonly nc?: NatsConnection;
  /** Instead of `nc` for publishing (tests). */
  readonly publishPort?: FlowPublishPort;
  readonly logger: Logger;
  readonly clock?: FlowClock;
  /** Pause between reads that found nothing (default 75 ms). */
  readonly intervalMs?: number;
  readonly ringCapacity?: number;
}

export interface FlowObserverStatus {
  readonly reading: boolean;
  /** The newest record seq read. */
  readonly lastSeq: string;
  readonly ring: number;
  readonly flows: number;
  /** Records written before this agent started, kept in the ring without being published again. */
  readonly backfilled: number;
  readonly published: number;
  readonly publishDropped: number;
  /** Records that could not be read or enriched, skipped. */
  readonly skipped: number;
  readonly queries: { readonly answered: number; readonly refused: number };
  readonly lastError?: string;
}

// A burst is read in a few rounds per tick, then the event loop gets a turn.
const ROUNDS_PER_TICK = 8;
// An internal gap younger than this (in seqs) may be a slot still being written: read it again once.
const RECENT_GAP = 1024;
const ERROR_LOG_MS = 10_000;

/**
 * Reads the datapath's flow records as they come, enriches them (FlowContext), keeps the last
 * 4,095 in a ring, counts them into the flow metrics, publishes each on
 * `netledger.flows.<node>` and answers `netledger.flows.query`. A record it cannot read or
 * enrich is skipped and counted; nothing in the data stops it.
 */
export class FlowObserver {
  readonly ring: FlowRing<Flow>;
  readonly #options: FlowObserverOptions;
  readonly #clock: FlowClock;
  readonly #metrics: FlowMetrics;
  readonly #publisher: FlowPublisher | undefined;
  readonly #responder: FlowQueryResponder | undefined;
  /** Records written before this monotonic time were there before the agent: not published again. */
  readonly #startedNs: bigint;
  #afterSeq = 0n;
  #retriedGap: bigint | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reading = false;
  #stopped = false;
  #flows = 0;
  #backfilled = 0;
  #skipped = 0;
  #lastError: string | undefined;
  #lastErrorLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(options: FlowObserverOptions) {
    this.#options = options;
    this.#clock = options.clock ?? new FlowClock();
    this.#startedNs = this.#clock.nowMonotonicNs();
    this.ring = new FlowRing<Flow>(options.ringCapacity);
    this.#metrics = new FlowMetrics(options.node);
    const port = options.publishPort ?? options.nc;
    this.#publisher = port ? new FlowPublisher(port, flowSubject(options.node)) : undefined;
    // Queries are answered from the start: an empty ring is an answer too.
    this.#responder = options.nc ? new FlowQueryResponder(options.nc, options.node, this.ring) : undefined;
  }

  /**
   * Starts reading. The agent calls it once its streams caught up, so records are enriched
   * against the whole cluster; records written meanwhile wait in the datapath's ring.
   */
  begin(): void {
    if (this.#reading || this.#stopped) return;
    this.#reading = true;
    this.#schedule(0);
  }

  /** Reads what is there now (the timer calls it; tests call it directly). Returns the flows read. */
  poll(): number {
    let total = 0;
    for (let round = 0; round < ROUNDS_PER_TICK; round++) {
      const { read, stoppedAtGap } = this.#readOnce();
      total += read;
      // A gap is read again at the next tick, not microseconds later.
      if (read === 0 || stoppedAtGap) break;
    }
    return total;
  }

  status(): FlowObserverStatus {
    const p = this.#publisher?.status();
    return {
      reading: this.#reading,
      lastSeq: this.#afterSeq.toString(),
      ring: this.ring.size,
      flows: this.#flows,
      backfilled: this.#backfilled,
      published: p?.published ?? 0,
      publishDropped: p?.dropped ?? 0,
      skipped: this.#skipped,
      queries: this.#responder?.status() ?? { answered: 0, refused: 0 },
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
    };
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#responder?.stop();
    try {
      this.#options.source.close?.();
    } catch {
      // Closing what is already gone.
    }
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      const n = this.poll();
      // A burst still coming: read again at once, else wait for more.
      this.#schedule(n > 0 ? 0 : (this.#options.intervalMs ?? 75));
    }, ms);
    this.#timer.unref();
  }

  #readOnce(): { read: number; stoppedAtGap: boolean } {
    const { source } = this.#options;
    let records: FlowRecord[];
    try {
      records = source.readFlows(this.#afterSeq);
    } catch (e) {
      // A record the codec refuses fails the whole read: skip to the head, or the same read fails forever.
      this.#error(`cannot read the flow records after seq ${this.#afterSeq}: ${(e as Error).message}; skipping to the newest`);
      try {
        const head = source.headSeq();
        if (head > this.#afterSeq) this.#skipped += Number(head - this.#afterSeq);
        this.#afterSeq = head > this.#afterSeq ? head : this.#afterSeq;
      } catch {
        // The maps are gone (the datapath was torn down): the next tick tries again.
      }
      return { read: 0, stoppedAtGap: false };
    }
    const all = records.length;
    records = this.#untilRecentGap(records);
    const stoppedAtGap = records.length < all;
    if (records.length === 0) return { read: 0, stoppedAtGap };
    this.#clock.refresh();
    const fresh: Flow[] = [];
    for (const record of records) {
      let flow: Flow;
      try {
        flow = enrichFlow(record, this.#options.node, this.#options.context, this.#clock);
      } catch (e) {
        this.#skipped += 1;
        this.#error(`flow record seq ${record.seq} skipped: ${(e as Error).message}`);
        continue;
      }
      this.ring.push(flow);
      if (record.timeNs < this.#startedNs) this.#backfilled += 1;
      else fresh.push(flow);
    }
    this.#afterSeq = records.at(-1)!.seq;
    this.#flows += fresh.length;
    this.#metrics.count(fresh);
    this.#publisher?.publish(fresh);
    return { read: records.length, stoppedAtGap };
  }

  /**
   * The records up to an internal gap among the newest ones: the writer takes the seq before it
   * fills the slot, so a missing recent seq may be a record still being written. It is read
   * again once at the next round; missing then, it was overwritten or lost, and is skipped.
   */
  #untilRecentGap(records: FlowRecord[]): FlowRecord[] {
    if (records.length === 0) return records;
    const newest = records.at(-1)!.seq;
    // The first expected seq counts too, once there was a previous read.
    for (let i = this.#afterSeq > 0n ? 0 : 1; i < records.length; i++) {
      const gap = (i === 0 ? this.#afterSeq : records[i - 1]!.seq) + 1n;
      if (records[i]!.seq === gap || newest - gap >= BigInt(RECENT_GAP)) continue;
      if (this.#retriedGap === gap) continue;
      this.#retriedGap = gap;
      return records.slice(0, i);
    }
    return records;
  }

  #error(message: string): void {
    this.#lastError = message;
    const now = Date.now();
    if (now - this.#lastErrorLoggedAt < ERROR_LOG_MS) return;
    this.#lastErrorLoggedAt = now;
    this.#options.logger.error(`flows: ${message}`);
  }
}
