import type { ConcurrencyError, IdempotencyError } from '../errors.js';
import type { CommittedAppend } from '../sql/append-committer.js';
import {
  appendedStreams,
  commitTime,
  GroupPlan,
  headAfter,
  isGroupConflict,
  suppliedIds,
  type PreparedRequest,
} from '../sql/append-plan.js';
import type { LogHeadTable } from '../sql/schema.js';
import type { SyncAppendIo } from './sqlite-append-io.js';

/**
 * A commit of one group whose requests arrive in parts while the caller is still preparing the
 * rest: the transaction opens with the first part, and each part is looked up, planned (the
 * same GroupPlan as planAppend) and inserted as it comes, so the writer thread works while the
 * caller's thread serializes. A conflict in any part leaves the group out whole: the
 * transaction is rolled back at once, later parts are ignored, and the outcome is the conflict.
 */
export class PartedSqliteCommit {
  private readonly head: LogHeadTable;
  private readonly plan: GroupPlan;
  private readonly time: string;
  private conflict: ConcurrencyError | IdempotencyError | undefined;

  constructor(
    private readonly io: SyncAppendIo,
    now: string,
  ) {
    io.begin();
    try {
      this.head = io.lockHead();
    } catch (e) {
      io.rollback();
      throw e;
    }
    this.time = commitTime(this.head, now);
    this.plan = new GroupPlan(0, { seq: Number(this.head.last_seq), prevHash: this.head.last_hash }, this.time);
  }

  /** Plans and inserts the next requests of the group. A SQLite error rolls back and throws: the commit is over. */
  add(requests: readonly PreparedRequest[]): void {
    if (this.conflict) return;
    try {
      const stored = this.io.findIds(suppliedIds([requests]));
      const current = this.io.streamVersions(appendedStreams([requests]));
      const written = this.plan.rows.length;
      try {
        this.plan.add(requests, current, stored);
      } catch (e) {
        if (!isGroupConflict(e)) throw e;
        // The group is out: nothing of it stays, and the parts still to come are ignored.
        this.conflict = e;
        this.io.rollback();
        return;
      }
      this.io.insert(this.plan.rows.slice(written));
    } catch (e) {
      this.io.rollback();
      throw e;
    }
  }

  /** Writes the head and commits (or rolls back a group in conflict). */
  end(): CommittedAppend {
    try {
      if (this.conflict) return { time: this.time, outcomes: [this.conflict], duplicates: [] };
      const wrote = this.plan.rows.length > 0;
      if (wrote) this.io.updateHead(headAfter(this.head, this.plan, this.time, true));
      const duplicates = this.plan.duplicates.map((d) => ({ group: 0, result: d.result, rows: this.io.readRange(d.stream, d.firstSeq, d.lastSeq) }));
      this.io.commit();
      return { time: this.time, outcomes: [this.plan.results], duplicates };
    } catch (e) {
      this.io.rollback();
      throw e;
    }
  }

  /** Writes nothing: the caller could not prepare the whole group. */
  abort(): void {
    this.io.rollback();
  }
}
