import type { EventsTable } from '../sql/schema.js';

/** One event row exactly as stored: the fields its hash covers, and the hash. */
export type StoredEventRow = EventsTable;

/** Where the log's head says it ends. */
export interface StoredLogHead {
  readonly lastSeq: number;
  readonly lastHash: string;
}

/** The log's retention marker as stored: events up to `throughSeq` were removed; `throughHash` was the last one's hash. */
export interface StoredRetention {
  readonly throughSeq: number;
  readonly throughHash: string;
  readonly time: string;
  readonly reason: string;
}

/**
 * The stored rows of one service's log, read without decoding (audit, export and import need the
 * bytes the hash chain covers, not upcast envelopes). Implemented for SQLite and PostgreSQL.
 */
export interface StoredEventSource {
  /** File path or redacted URL and schema, for messages. */
  readonly location: string;
  /** Up to `limit` rows with a seq above `afterSeq`, in seq order. */
  readAfter(afterSeq: number, limit: number): Promise<StoredEventRow[]>;
  head(): Promise<StoredLogHead>;
  /** The latest retention marker (undefined when no event was removed, or the log predates retention). */
  retention(): Promise<StoredRetention | undefined>;
  close(): Promise<void>;
}
