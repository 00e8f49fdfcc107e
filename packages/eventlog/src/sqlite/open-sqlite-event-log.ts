import { mkdirSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { EventRegistry, ServiceName } from '@netledger/contracts';
import type { EventLog } from '../event-log.js';
import { StorageError } from '../errors.js';
import type { AppendCommitter } from '../sql/append-committer.js';
import type { EventLogDatabase } from '../sql/schema.js';
import { SqlEventLog } from '../sql/sql-event-log.js';
import { configureSqliteConnection } from './configure-sqlite-connection.js';
import { sqliteAppendIo, type SyncAppendIo } from './sqlite-append-io.js';
import { sqliteOutboxReads } from './sqlite-outbox-reads.js';
import { sqliteReplayReads } from './sqlite-replay-reads.js';
import { sqliteWriteLock, type WriteLock } from './sqlite-write-lock.js';
import { SqliteWriterThread, type StartWriterWorker } from './sqlite-writer-thread.js';
import { syncAppendCommitter } from './sync-append-committer.js';

export interface SqliteEventLogConfig {
  readonly service: ServiceName;
  readonly registry: EventRegistry;
  /** Database file; created with its directory when missing. `:memory:` for a private in-memory log. */
  readonly file: string;
  readonly clock?: () => Date;
}

/**
 * Opens (and creates or migrates) a service's SQLite event log.
 *
 * The connection's settings are in configure-sqlite-connection.ts. Appends commit on the log's
 * writer thread, with its own connection (see sqlite-writer-thread.ts); reads, outbox acks and
 * snapshots use this thread's connection. An in-memory database is private to its connection,
 * so there appends commit on this thread, through the same connection (as they do while the
 * writer thread starts).
 * Writes from several connections of this process to one file are queued in JavaScript
 * (sqliteWriteLock), because a synchronous busy wait would block the connection holding the lock.
 */
export function openSqliteEventLog(config: SqliteEventLogConfig): Promise<EventLog> {
  return openSqliteEventLogWith(config, {});
}

/** What tests may replace in a SQLite log. */
export interface SqliteEventLogSeams {
  /** Starts the writer thread's worker (a test starts one that dies). */
  readonly startWriterWorker?: StartWriterWorker;
  /** Starts the writer thread at open and waits for it, so every commit runs there (not only those after it started). */
  readonly writerThreadAtOpen?: boolean;
  /** Every commit goes to the thread once it runs, small ones too (they normally commit here). */
  readonly allCommitsOnThread?: boolean;
}

/** openSqliteEventLog, with seams for tests (not exported from the package). */
export async function openSqliteEventLogWith(config: SqliteEventLogConfig, seams: SqliteEventLogSeams): Promise<EventLog> {
  let sqlite: Database.Database;
  let writeLock: WriteLock;
  let realPath: string | undefined;
  try {
    mkdirSync(dirname(config.file), { recursive: true });
    sqlite = new Database(config.file);
    configureSqliteConnection(sqlite);
    realPath = sqlite.memory ? undefined : realpathSync(config.file);
    // An in-memory database is private to its connection, so it shares no lock.
    writeLock = sqliteWriteLock(realPath ?? Symbol(config.file));
  } catch (cause) {
    throw new StorageError(config.file, `cannot open SQLite event log: ${(cause as Error).message}`, { cause });
  }
  const db = new Kysely<EventLogDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  const onThisThread = syncAppendCommitter(lazy(() => sqliteAppendIo(sqlite)));
  const committer: AppendCommitter =
    realPath === undefined
      ? onThisThread
      : new SqliteWriterThread({
          location: config.file,
          file: realPath,
          whileStarting: onThisThread,
          ...(seams.startWriterWorker ? { startWorker: seams.startWriterWorker } : {}),
          ...(seams.allCommitsOnThread ? { smallCommitEvents: 0 } : {}),
        });
  let log: EventLog;
  try {
    log = await SqlEventLog.open(db, {
      service: config.service,
      registry: config.registry,
      dialect: 'sqlite',
      location: config.file,
      serializeWrites: writeLock,
      tryLockWrites: writeLock.tryAcquire,
      committer,
      outboxReads: sqliteOutboxReads(sqlite),
      replayReads: sqliteReplayReads(sqlite),
      ...(config.clock ? { clock: config.clock } : {}),
    });
  } catch (cause) {
    await db.destroy();
    throw new StorageError(config.file, `cannot migrate SQLite event log: ${(cause as Error).message}`, { cause });
  }
  if (seams.writerThreadAtOpen && committer instanceof SqliteWriterThread) {
    try {
      await committer.whenReady();
    } catch (e) {
      await log.close();
      throw e;
    }
  }
  return log;
}

// Statements are prepared after the migrations ran (they need the tables).
function lazy(make: () => SyncAppendIo): () => SyncAppendIo {
  let io: SyncAppendIo | undefined;
  return () => (io ??= make());
}
