import type { GroupOutcome, PreparedGroup, PreparedRequest } from './append-plan.js';
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
  /**
   * Opens a commit of one group that is sent in parts while the caller prepares the rest, so
   * the commit's work overlaps the preparing; undefined when none can open now (then the group
   * goes through commit()). The caller holds the file's write lock until it ended or aborted.
   */
  openPartedCommit?(now: string): PartedCommit | undefined;
  /** Ends whatever the committer holds (the writer thread and its connection). */
  close(): Promise<void>;
}

/** A commit of one group, sent in parts (see AppendCommitter.openPartedCommit). */
export interface PartedCommit {
  /** The group's next requests, in order. */
  send(requests: readonly PreparedRequest[]): void;
  /** Everything was sent: commits, and the group's outcome. */
  end(): Promise<CommittedAppend>;
  /** The group could not be prepared whole: nothing of it is written. Resolves once rolled back. */
  abort(): Promise<void>;
}
