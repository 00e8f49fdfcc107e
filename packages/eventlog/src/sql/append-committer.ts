import type { GroupOutcome, PreparedGroup } from './append-plan.js';
import type { EventsTable } from './schema.js';

/**
 * One commit's outcome as plain data: each group's positions (or the conflict that rejected it),
 * the time of its events, and the stored rows of retried appends (decoded by the caller).
 */
export interface CommittedAppend {
  readonly time: string;
  readonly outcomes: readonly GroupOutcome[];
  readonly duplicates: ReadonlyArray<{ readonly group: number; readonly result: number; readonly rows: readonly EventsTable[] }>;
}

/**
 * Where an append commit runs when it does not go through kysely: on SQLite, on the log's writer
 * thread (or synchronously for an in-memory database). Called one commit at a time.
 */
export interface AppendCommitter {
  commit(groups: readonly PreparedGroup[], now: string): Promise<CommittedAppend>;
  /** Ends whatever the committer holds (the writer thread and its connection). */
  close(): Promise<void>;
}
