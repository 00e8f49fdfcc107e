import type Database from 'better-sqlite3';

/**
 * The settings of every connection to a log file (the log's own and its writer thread's), and why:
 * - journal_mode=WAL: readers (CLI, relay, status) never block the writer and vice versa.
 * - synchronous=FULL: the WAL is fsynced at every commit, so an append that returned survives
 *   a power cut. NORMAL would be faster but can lose the last commits, and an audit log must
 *   not forget what it acknowledged. Writers batch (appendMany) to pay one fsync per batch.
 * - busy_timeout: a second process (CLI writing a command) waits for the lock instead of failing.
 * - foreign_keys and a checkpoint threshold at the SQLite default keep the WAL bounded.
 */
export function configureSqliteConnection(db: Database.Database): void {
  // First, so the pragmas below wait too: the writer thread's connection opens while the log's
  // own may be committing.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
}
