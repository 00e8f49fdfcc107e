import type { EventEnvelope, NewEvent, ServiceName } from '@netledger/contracts';

/**
 * What the writer expects a stream to be at before its append:
 * a version number (0 = the stream must not exist yet), 'no-stream', or 'any' (no check).
 */
export type ExpectedVersion = number | 'no-stream' | 'any';

/** One stream's part of an append. */
export interface AppendRequest {
  readonly stream: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
}

/** Where an append left a stream. */
export interface AppendResult {
  readonly stream: string;
  /** Version of the stream's last event after the append. */
  readonly version: number;
  /** Log sequence of the first and last event of this request. */
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** True when every event id was already stored: nothing was written (idempotent retry). */
  readonly duplicate: boolean;
  /** The events of this request as stored (for a duplicate: as stored the first time). */
  readonly events: readonly EventEnvelope[];
}

/**
 * An event waiting in the outbox to be published. `payload` is the envelope exactly as stored
 * (at the schema version it was written with), so what subscribers receive hashes the same.
 */
export interface OutboxEntry {
  readonly seq: number;
  readonly eventId: string;
  readonly subject: string;
  readonly payload: string;
}

/** A projection's saved state at a log sequence. */
export interface Snapshot<S = unknown> {
  readonly name: string;
  /** Version of the projection code that wrote it; a different version ignores it and rebuilds. */
  readonly projectionVersion: number;
  readonly seq: number;
  readonly state: S;
  readonly time: string;
}

export interface ReadOptions {
  /** Most events to return (default: all). */
  readonly limit?: number;
}

/** Where a replay stops; with both, at the earlier. */
export interface ReplayOptions {
  /** Stop after this sequence. */
  readonly untilSeq?: number;
  /** Stop at the last event appended at or before this time. */
  readonly until?: Date;
  /** Most events per batch (default 4096). */
  readonly batchSize?: number;
}

/**
 * What retention removed: every event up to `throughSeq`. The log's chain continues from
 * `throughHash` (the removed event's stored hash), so verification starts there.
 */
export interface RetentionMarker {
  readonly throughSeq: number;
  readonly throughHash: string;
  /** When the events were removed (the log's clock). */
  readonly time: string;
  readonly reason: string;
}

/** Head of the log: where it ends and what is still to be published. */
export interface LogHead {
  readonly lastSeq: number;
  readonly lastTime: string | null;
  readonly outboxBacklog: number;
  readonly lastHash: string;
}

/**
 * A service's own event log. Every write is one transaction that also fills the outbox, so
 * an event is published if and only if it is stored. Reads return upcast, validated events.
 */
export interface EventLog {
  readonly service: ServiceName;

  /** Appends to one stream. Throws ConcurrencyError on a version mismatch. */
  append(stream: string, expectedVersion: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult>;
  /** Appends to several streams atomically: all requests commit, or none does. */
  appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]>;

  /** Current version of a stream (0 when it does not exist). */
  streamVersion(stream: string): Promise<number>;
  /** A stream's events from `fromVersion` (default 1) upward. */
  readStreamForward(stream: string, fromVersion?: number, options?: ReadOptions): Promise<EventEnvelope[]>;
  /** A stream's events from `fromVersion` (default: last) downward. */
  readStreamBackward(stream: string, fromVersion?: number, options?: ReadOptions): Promise<EventEnvelope[]>;
  /** The whole log from sequence `fromSeq` (inclusive) upward. */
  readAll(fromSeq: number, options?: ReadOptions): Promise<EventEnvelope[]>;
  /** Sequence of the last event appended at or before `until` (0 when none); a binary search, not a scan. */
  lastSeqAt(until: Date): Promise<number>;
  /** The whole log from `fromSeq` upward, stopping at the last event appended at or before `until`. */
  readUntil(until: Date, fromSeq?: number, options?: ReadOptions): Promise<EventEnvelope[]>;
  /**
   * The log from `fromSeq` (inclusive) in seq order, in batches, for rebuilding state: the read
   * path tuned for throughput (a service's start and `netledger replay` go through it). Reads
   * until the end of the log as it grows, or the point in `options`. From a seq that retention
   * removed, throws PrunedHistoryError.
   */
  replay(fromSeq: number, options?: ReplayOptions): AsyncIterable<readonly EventEnvelope[]>;
  /** Iterates the whole log from `fromSeq` in pages, for replays that must not hold everything in memory. */
  iterate(fromSeq?: number, options?: { readonly pageSize?: number; readonly until?: Date }): AsyncIterable<EventEnvelope>;

  head(): Promise<LogHead>;

  /** Oldest unpublished events, in sequence order; with `afterSeq`, only those after it. */
  outboxPeek(limit: number, afterSeq?: number): Promise<OutboxEntry[]>;
  /** Marks every outbox entry up to and including `seq` as published. */
  outboxAck(uptoSeq: number): Promise<void>;

  /**
   * Removes every event before `beforeSeq` and records a retention marker, in one transaction.
   * Refused (RetentionError) unless there is a snapshot and every snapshot is at or after
   * `beforeSeq - 1` (so no saved state needs the removed events), and all of them were
   * published. Asking for a point at or below the current marker removes nothing and returns it.
   */
  pruneBefore(beforeSeq: number, options: { readonly reason: string }): Promise<RetentionMarker>;
  /** The latest retention marker; undefined when no event was ever removed. */
  retention(): Promise<RetentionMarker | undefined>;

  saveSnapshot<S>(snapshot: Omit<Snapshot<S>, 'time'>): Promise<void>;
  loadSnapshot<S>(name: string): Promise<Snapshot<S> | undefined>;

  close(): Promise<void>;
}
