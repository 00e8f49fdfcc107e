import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { StorageError } from '../errors.js';
import { migrate } from '../sql/migrate.js';
import type { EventLogDatabase } from '../sql/schema.js';
import type { StoredEventSink } from './stored-event-sink.js';

const COLUMNS = ['seq', 'id', 'stream', 'version', 'type', 'schema_version', 'time', 'cause', 'data', 'hash'] as const;
// 10 columns x 1000 rows stays under PostgreSQL's bind limit (65535).
const ROWS_PER_INSERT = 1000;

/** Opens (creating and migrating it when needed) a service's PostgreSQL log to import into, on one connection. */
export async function openPostgresStoredEventSink(connectionString: string, schema: string): Promise<StoredEventSink> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new TypeError(`postgres schema ${schema}: use lowercase letters, digits and _`);
  const location = `${connectionString.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')} schema ${schema}`;
  const pool = new pg.Pool({ connectionString, max: 1, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined);
  const db = new Kysely<EventLogDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
    await migrate(db, 'postgres');
  } catch (cause) {
    await db.destroy();
    throw new StorageError(location, `cannot open PostgreSQL event log for import: ${(cause as Error).message}`, { cause });
  }
  // One client of the pool for the whole transaction (kysely would hand each query its own).
  let client: pg.PoolClient | undefined;
  const onClient = (): pg.PoolClient => {
    if (!client) throw new StorageError(location, 'import: no transaction (begin was not called)');
    return client;
  };
  return {
    location,
    begin: async () => {
      client = await pool.connect();
      await client.query('BEGIN');
    },
    isEmpty: async () => {
      const head = await onClient().query<{ last_seq: string }>('SELECT last_seq FROM log_head WHERE id = 1 FOR UPDATE');
      const any = await onClient().query('SELECT 1 FROM events LIMIT 1');
      return Number(head.rows[0]?.last_seq ?? 0) === 0 && any.rows.length === 0;
    },
    insert: async (rows) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        const chunk = rows.slice(i, i + ROWS_PER_INSERT);
        const values: unknown[] = [];
        const tuples = chunk.map((r, j) => {
          for (const c of COLUMNS) values.push(r[c]);
          return `(${COLUMNS.map((_, k) => `$${j * COLUMNS.length + k + 1}`).join(', ')})`;
        });
        await onClient().query(`INSERT INTO events (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, values);
      }
    },
    commit: async ({ lastSeq, lastHash, lastTime }) => {
      await onClient().query('UPDATE log_head SET last_seq = $1, last_hash = $2, last_time = $3 WHERE id = 1', [lastSeq, lastHash, lastTime]);
      await onClient().query('UPDATE outbox_position SET published_seq = $1 WHERE id = 1', [lastSeq]);
      await onClient().query('COMMIT');
    },
    rollback: async () => {
      if (client) await client.query('ROLLBACK');
    },
    close: async () => {
      client?.release();
      client = undefined;
      await db.destroy();
    },
  };
}
