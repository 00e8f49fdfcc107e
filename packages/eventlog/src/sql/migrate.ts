import { sql, type Kysely } from 'kysely';
import type { EventLogDatabase } from './schema.js';

/** Genesis value of the hash chain: the "previous hash" of event 1. */
export const GENESIS_HASH = '0'.repeat(64);

type Dialect = 'sqlite' | 'postgres';

// Each migration is forward-only and runs once, recorded in schema_migrations.
const MIGRATIONS: ReadonlyArray<(db: Kysely<EventLogDatabase>, dialect: Dialect) => Promise<void>> = [
  // 1: events, outbox, log head, snapshots.
  async (db, dialect) => {
    const big = dialect === 'postgres' ? 'bigint' : 'integer';
    await db.schema
      .createTable('events')
      .addColumn('seq', sql.raw(big), (c) => c.primaryKey())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('stream', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('schema_version', 'integer', (c) => c.notNull())
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('cause', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addUniqueConstraint('events_stream_version', ['stream', 'version'])
      .execute();
    // No index on time and no table of stream versions: both would cost a b-tree insert per
    // event. Time never decreases along seq, so "up to time T" is a binary search over seq, and
    // a stream's version is max(version) on the (stream, version) unique index.
    await db.schema
      .createTable('outbox')
      .addColumn('seq', sql.raw(big), (c) => c.primaryKey())
      .addColumn('subject', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('log_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('last_seq', sql.raw(big), (c) => c.notNull())
      .addColumn('last_hash', 'text', (c) => c.notNull())
      .addColumn('last_time', 'text')
      .execute();
    await db.insertInto('log_head').values({ id: 1, last_seq: 0, last_hash: GENESIS_HASH, last_time: null }).execute();
    await db.schema
      .createTable('snapshots')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('projection_version', 'integer', (c) => c.notNull())
      .addColumn('seq', sql.raw(big), (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('time', 'text', (c) => c.notNull())
      .execute();
  },
  // 2: the log is its own outbox. An outbox row per event cost a b-tree insert on append and
  // a delete on ack; the relay's position is one row instead. Rows still waiting in the old
  // table keep waiting: the position starts just below the first of them.
  async (db) => {
    await db.schema
      .createTable('outbox_position')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('published_seq', 'bigint', (c) => c.notNull())
      .execute();
    await sql`INSERT INTO outbox_position (id, published_seq)
      SELECT 1, COALESCE((SELECT min(seq) - 1 FROM outbox), (SELECT last_seq FROM log_head WHERE id = 1))`.execute(db);
    await db.schema.dropTable('outbox').execute();
  },
  // 3: retention markers (pruneBefore), read by replay and by audit verify.
  async (db, dialect) => {
    await db.schema
      .createTable('retention')
      .addColumn('through_seq', sql.raw(dialect === 'postgres' ? 'bigint' : 'integer'), (c) => c.primaryKey())
      .addColumn('through_hash', 'text', (c) => c.notNull())
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .execute();
  },
];

/**
 * Brings the schema up to date. Safe to call on every open; concurrent openers of one schema
 * serialize (PostgreSQL: an advisory lock per schema; SQLite: the caller's write lock).
 */
export async function migrate(db: Kysely<EventLogDatabase>, dialect: Dialect): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') {
      // Taken before anything else: CREATE TABLE IF NOT EXISTS is not safe against another
      // session creating the same table at the same moment (it fails on pg_type's unique index).
      await sql`SELECT pg_advisory_xact_lock(hashtext('netledger.migrate.' || current_schema()))`.execute(trx);
    }
    await trx.schema
      .createTable('schema_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('applied_at', 'text', (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))
      .execute();
    const done = new Set((await trx.selectFrom('schema_migrations').select('version').execute()).map((r) => Number(r.version)));
    for (let i = 0; i < MIGRATIONS.length; i++) {
      const version = i + 1;
      if (done.has(version)) continue;
      await MIGRATIONS[i]!(trx, dialect);
      await trx.insertInto('schema_migrations').values({ version }).execute();
    }
  });
}
