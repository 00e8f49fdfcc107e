import type { Generated } from 'kysely';

// Row types of the event log tables. Both dialects use the same columns; JSON is kept
// as text so the stored bytes are exactly what the hash chain covers.

export interface EventsTable {
  seq: number;
  id: string;
  stream: string;
  version: number;
  type: string;
  schema_version: number;
  time: string;
  cause: string;
  data: string;
  /** sha256(previous hash + this event's canonical fields): a tamper-evident chain. */
  hash: string;
}

/**
 * The outbox position: every event with a seq above `published_seq` waits to be published.
 * The log is its own outbox (seq is gap-free and commits with the event), so an append writes
 * no second row; the relay advances this one row after JetStream acknowledges.
 */
export interface OutboxPositionTable {
  id: number;
  published_seq: number;
}

export interface LogHeadTable {
  id: number;
  last_seq: number;
  last_hash: string;
  last_time: string | null;
}

export interface SnapshotsTable {
  name: string;
  projection_version: number;
  seq: number;
  state: string;
  time: string;
}

/**
 * One row per prune: every event up to `through_seq` was removed, and `through_hash` was that
 * event's stored hash, where the chain of the remaining events starts. The row with the highest
 * `through_seq` is the log's marker; earlier ones stay as the history of what was removed.
 */
export interface RetentionTable {
  through_seq: number;
  through_hash: string;
  time: string;
  reason: string;
}

export interface MigrationsTable {
  version: number;
  applied_at: Generated<string>;
}

export interface EventLogDatabase {
  events: EventsTable;
  outbox_position: OutboxPositionTable;
  log_head: LogHeadTable;
  snapshots: SnapshotsTable;
  retention: RetentionTable;
  schema_migrations: MigrationsTable;
}
