import type Database from 'better-sqlite3';
import { STORED_COLUMNS, type StoredColumns } from '../sql/stored-event-decoder.js';
import type { ReplayReads } from '../sql/replay-reads.js';

/**
 * Replay pages read with one prepared statement returning arrays (`raw()`), bypassing kysely:
 * per row it built an object, and kysely's own query path cost about as much as SQLite's.
 * Pages (`all`), not `iterate()`: a rebuild saves snapshots between pages on this connection,
 * which better-sqlite3 refuses while an iterator is open.
 */
export function sqliteReplayReads(db: Database.Database): ReplayReads {
  let page: Database.Statement<[number, number, number], StoredColumns> | undefined;
  return {
    page: (fromSeq, untilSeq, limit) => {
      page ??= db.prepare<[number, number, number], StoredColumns>(`SELECT ${STORED_COLUMNS} FROM events WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?`).raw();
      return page.all(fromSeq, untilSeq, limit) as unknown as StoredColumns[];
    },
  };
}
