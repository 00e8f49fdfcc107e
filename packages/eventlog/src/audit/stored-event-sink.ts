import type { StoredEventRow } from './stored-event-source.js';

/** Where an import writes stored rows as they are, in one transaction. Implemented for SQLite and PostgreSQL. */
export interface StoredEventSink {
  readonly location: string;
  /** Starts the transaction, taking the log's write lock. */
  begin(): Promise<void>;
  /** True when the log has no event (its head is at seq 0); called inside the transaction. */
  isEmpty(): Promise<boolean>;
  insert(rows: readonly StoredEventRow[]): Promise<void>;
  /** Moves the log head (and the outbox position, see importLog) to the last row, and commits. */
  commit(head: { readonly lastSeq: number; readonly lastHash: string; readonly lastTime: string | null }): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}
