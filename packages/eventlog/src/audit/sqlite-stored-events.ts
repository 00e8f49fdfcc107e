import Database from 'better-sqlite3';
import { StorageError } from '../errors.js';
import type { StoredEventRow, StoredEventSource, StoredLogHead, StoredRetention } from './stored-event-source.js';

/**
 * Opens a SQLite log file read-only for audit or export. Safe while the service writes it (WAL).
 * Throws StorageError when the file is missing or is not an event log.
 */
export function openSqliteStoredEvents(file: string): StoredEventSource {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw new StorageError(file, `cannot open SQLite event log for audit: ${(cause as Error).message}`, { cause });
  }
  let page: Database.Statement<[number, number], StoredEventRow>;
  let head: Database.Statement<[], { last_seq: number; last_hash: string }>;
  let retention: Database.Statement<[], StoredRetention> | undefined;
  try {
    page = db.prepare('SELECT seq, id, stream, version, type, schema_version, time, cause, data, hash FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    head = db.prepare('SELECT last_seq, last_hash FROM log_head WHERE id = 1');
    // Opened read-only, the file is not migrated: a log older than retention has no such table.
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'retention'").get()) {
      retention = db.prepare(
        'SELECT through_seq AS throughSeq, through_hash AS throughHash, time, reason FROM retention ORDER BY through_seq DESC LIMIT 1',
      );
    }
  } catch (cause) {
    db.close();
    throw new StorageError(file, `not an event log (no events or log_head table): ${(cause as Error).message}`, { cause });
  }
  return {
    location: file,
    readAfter: (afterSeq, limit) => Promise.resolve(page.all(afterSeq, limit)),
    head: (): Promise<StoredLogHead> => {
      const h = head.get();
      return Promise.resolve(h ? { lastSeq: Number(h.last_seq), lastHash: h.last_hash } : { lastSeq: 0, lastHash: '' });
    },
    retention: () => Promise.resolve(retention?.get()),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
