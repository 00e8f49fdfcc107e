import type { CommittedAppend } from '../sql/append-committer.js';
import { appendedStreams, planAppend, suppliedIds, type PreparedGroup } from '../sql/append-plan.js';
import type { SyncAppendIo } from './sqlite-append-io.js';

/**
 * One append commit on SQLite, synchronous, in one IMMEDIATE transaction: lock the head, read
 * what the planner needs, plan, write, and read back the stored events of retried appends.
 * Runs on the log's writer thread (or on the caller's thread for an in-memory database).
 */
export function commitSqliteAppend(io: SyncAppendIo, groups: readonly PreparedGroup[], now: string): CommittedAppend {
  io.begin();
  try {
    const head = io.lockHead();
    const stored = io.findIds(suppliedIds(groups));
    const current = io.streamVersions(appendedStreams(groups));
    const plan = planAppend({ head, stored, current, groups, now });
    if (plan.rows.length > 0) {
      io.insert(plan.rows);
      io.updateHead(plan.head);
    }
    const duplicates = plan.duplicates.map((d) => ({ group: d.group, result: d.result, rows: io.readRange(d.stream, d.firstSeq, d.lastSeq) }));
    io.commit();
    return { time: plan.time, outcomes: plan.outcomes, duplicates };
  } catch (e) {
    io.rollback();
    throw e;
  }
}
