import type { AppendCommitter } from '../sql/append-committer.js';
import { commitSqliteAppend } from './commit-sqlite-append.js';
import type { SyncAppendIo } from './sqlite-append-io.js';

/**
 * Commits on the caller's thread, through the log's own connection. For an in-memory database,
 * which a second connection (the writer thread's) could not see.
 */
export function syncAppendCommitter(io: () => SyncAppendIo): AppendCommitter {
  return {
    commit: async (groups, now) => commitSqliteAppend(io(), groups, now),
    close: async () => {},
  };
}
