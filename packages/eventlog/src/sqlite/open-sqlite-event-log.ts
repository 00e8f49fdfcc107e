import { mkdirSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { EventRegistry, ServiceName } from '@netledger/contracts';
import type { EventLog } from '../event-log.js';
import { StorageError } from '../errors.js';
import type { EventLogDatabase } from '../sql/schema.js';
import { SqlEventLog, type SyncAppendIo } from '../sql/sql-event-log.js';
import { sqliteAppendIo } from './sqlite-append-io.js';
import { sqliteWriteLock, type WriteLock } from './sqlite-write-lock.js';

export interface SqliteEventLogConfig {
  readonly service: ServiceName;
  readonly registry: EventRegistry;
  /** Database file; created with its directory when missing. */
  readonly file: string;
  readonly clock?: () => Date;
}

/**
 * Opens (and creates or migrates) a service's SQLite event log.
 *
 * Settings, and why:
 * - journal_mode=WAL: readers (CLI, relay, status) never block the writer and vice versa.
 * - synchronous=FULL: the WAL is fsynced at every commit, so an append that returned survives
 *   a power cut. NORMAL would be faster but can lose the last commits, and an audit log must
 *   not forget what it acknowledged. Writers batch (appendMany) to pay one fsync per batch.
 * - busy_timeout: a second process (CLI writing a command) waits for the lock instead of failing.
 * - foreign_keys and a checkpoint threshold at the SQLite default keep the WAL bounded.
 * Writes from several connections of this process to one file are queued in JavaScript
 * (sqliteWriteLock), because a synchronous busy wait would block the connection holding the lock.
 */
export async function openSqliteEventLog(config: SqliteEventLogConfig): Promise<EventLog> {
  let sqlite: Database.Database;
  let writeLock: WriteLock;
  try {
    mkdirSync(dirname(config.file), { recursive: true });
    sqlite = new Database(config.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    // An in-memory database is private to its connection, so it shares no lock.
    writeLock = sqliteWriteLock(sqlite.memory ? Symbol(config.file) : realpathSync(config.file));
  } catch (cause) {
    throw new StorageError(config.file, `cannot open SQLite event log: ${(cause as Error).message}`, { cause });
  }
  const db = new Kysely<EventLogDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    const log = await SqlEventLog.open(db, {
      service: config.service,
      registry: config.registry,
      dialect: 'sqlite',
      location: config.file,
      serializeWrites: writeLock,
      // Statements are prepared after the migrations ran (they need the tables).
      syncAppend: lazySqliteAppendIo(sqlite),
      ...(config.clock ? { clock: config.clock } : {}),
    });
    return log;
  } catch (cause) {
    await db.destroy();
    throw new StorageError(config.file, `cannot migrate SQLite event log: ${(cause as Error).message}`, { cause });
  }
}

/** Prepares the append statements on first use, once the schema exists. */
function lazySqliteAppendIo(sqlite: Database.Database): SyncAppendIo {
  let io: SyncAppendIo | undefined;
  const get = (): SyncAppendIo => (io ??= sqliteAppendIo(sqlite));
  return {
    transaction: (work) => get().transaction(work),
    lockHead: () => get().lockHead(),
    findIds: (ids) => get().findIds(ids),
    streamVersions: (streams) => get().streamVersions(streams),
    readRange: (stream, first, last) => get().readRange(stream, first, last),
    write: (plan) => get().write(plan),
    publishedSeq: () => get().publishedSeq(),
    eventsAfter: (afterSeq, limit) => get().eventsAfter(afterSeq, limit),
  };
}
