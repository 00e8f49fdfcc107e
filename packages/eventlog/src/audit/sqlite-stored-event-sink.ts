import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { StorageError } from '../errors.js';
import { migrate } from '../sql/migrate.js';
import type { EventLogDatabase } from '../sql/schema.js';
import { configureSqliteConnection } from '../sqlite/configure-sqlite-connection.js';
import type { StoredEventSink } from './stored-event-sink.js';

/**
 * Opens (creating and migrating it when needed) a SQLite log file to import into. The service
 * must not run on it meanwhile: the import holds the file's write lock until it commits.
 */
export async function openSqliteStoredEventSink(file: string): Promise<StoredEventSink> {
  let sqlite: Database.Database;
  try {
    mkdirSync(dirname(file), { recursive: true });
    sqlite = new Database(file);
    configureSqliteConnection(sqlite);
  } catch (cause) {
    throw new StorageError(file, `cannot open SQLite event log for import: ${(cause as Error).message}`, { cause });
  }
  const db = new Kysely<EventLogDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await migrate(db, 'sqlite');
  } catch (cause) {
    await db.destroy();
    throw new StorageError(file, `cannot migrate SQLite event log: ${(cause as Error).message}`, { cause });
  }
  const insert = sqlite.prepare(
    'INSERT INTO events (seq, id, stream, version, type, schema_version, time, cause, data, hash) VALUES (@seq, @id, @stream, @version, @type, @schema_version, @time, @cause, @data, @hash)',
  );
  return {
    location: file,
    begin: () => {
      sqlite.exec('BEGIN IMMEDIATE');
      return Promise.resolve();
    },
    isEmpty: () => {
      const head = sqlite.prepare('SELECT last_seq FROM log_head WHERE id = 1').get() as { last_seq: number } | undefined;
      const any = sqlite.prepare('SELECT 1 FROM events LIMIT 1').get();
      return Promise.resolve(Number(head?.last_seq ?? 0) === 0 && any === undefined);
    },
    insert: (rows) => {
      for (const r of rows) insert.run(r);
      return Promise.resolve();
    },
    commit: ({ lastSeq, lastHash, lastTime }) => {
      sqlite.prepare('UPDATE log_head SET last_seq = ?, last_hash = ?, last_time = ? WHERE id = 1').run(lastSeq, lastHash, lastTime);
      sqlite.prepare('UPDATE outbox_position SET published_seq = ? WHERE id = 1').run(lastSeq);
      sqlite.exec('COMMIT');
      return Promise.resolve();
    },
    rollback: () => {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      return Promise.resolve();
    },
    close: () => db.destroy(),
  };
}
