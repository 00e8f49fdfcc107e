import { mkdirSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { EventRegistry, ServiceName } from '@netledger/contracts';
import type { EventLog } from '../event-log.js';
import { StorageError } from '../errors.js';
import type { EventLogDatabase } from '../sql/schema.js';
import { SqlEventLog } from '../sql/sql-event-log.js';
import { configureSqliteConnection } from './configure-sqlite-connection.js';
import { sqliteAppendIo, type SyncAppendIo } from './sqlite-append-io.js';
import { sqliteOutboxReads } from './sqlite-outbox-reads.js';
import { sqliteWriteLock, type WriteLock } from './sqlite-write-lock.js';
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
 * The connection's settings are in configure-sqlite-connection.ts. Appends commit
 * synchronously on this connection (sync-append-committer.ts).
 * Writes from several connections of this process to one file are queued in JavaScript
 * (sqliteWriteLock), because a synchronous busy wait would block the connection holding the lock.
 */
export async function openSqliteEventLog(config: SqliteEventLogConfig): Promise<EventLog> {
  let sqlite: Database.Database;
  let writeLock: WriteLock;
  try {
    mkdirSync(dirname(config.file), { recursive: true });
    sqlite = new Database(config.file);
    configureSqliteConnection(sqlite);
    // An in-memory database is private to its connection, so it shares no lock.
    writeLock = sqliteWriteLock(sqlite.memory ? Symbol(config.file) : realpathSync(config.file));
  } catch (cause) {
    throw new StorageError(config.file, `cannot open SQLite event log: ${(cause as Error).message}`, { cause });
  }
  const db = new Kysely<EventLogDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    return await SqlEventLog.open(db, {
      service: config.service,
      registry: config.registry,
      dialect: 'sqlite',
      location: config.file,
      serializeWrites: writeLock,
      committer: syncAppendCommitter(lazy(() => sqliteAppendIo(sqlite))),
      outboxReads: sqliteOutboxReads(sqlite),
      ...(config.clock ? { clock: config.clock } : {}),
    });
  } catch (cause) {
    await db.destroy();
    throw new StorageError(config.file, `cannot migrate SQLite event log: ${(cause as Error).message}`, { cause });
  }
}

// Statements are prepared after the migrations ran (they need the tables).
function lazy(make: () => SyncAppendIo): () => SyncAppendIo {
  let io: SyncAppendIo | undefined;
  return () => (io ??= make());
}
