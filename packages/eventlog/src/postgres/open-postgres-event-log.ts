import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { EventRegistry, ServiceName } from '@netledger/contracts';
import type { EventLog } from '../event-log.js';
import { StorageError } from '../errors.js';
import type { EventLogDatabase } from '../sql/schema.js';
import { SqlEventLog } from '../sql/sql-event-log.js';

export interface PostgresEventLogConfig {
  readonly service: ServiceName;
  readonly registry: EventRegistry;
  /** postgres://user:password@host:port/database */
  readonly connectionString: string;
  /**
   * PostgreSQL schema holding this service's tables (default: `netledger_<service>`), so the
   * three services can share one database server and still own separate logs.
   */
  readonly schema?: string;
  readonly poolSize?: number;
  readonly clock?: () => Date;
}

// int8 (bigint) comes back as text by default; sequences stay far below 2^53, so a number is exact.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Opens (and creates or migrates) a service's event log on PostgreSQL. */
export async function openPostgresEventLog(config: PostgresEventLogConfig): Promise<EventLog> {
  const schema = config.schema ?? `netledger_${config.service}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new TypeError(`postgres schema ${schema}: use lowercase letters, digits and _`);
  const location = redact(config.connectionString);
  const pool = new pg.Pool({
    connectionString: config.connectionString,
    max: config.poolSize ?? 4,
    types,
    options: `-c search_path=${schema}`,
  });
  // An idle connection the server ends (restart, failover, pg_terminate_backend) is reported as
  // an 'error' on the pool, which would crash the process if nobody listened. The pool has
  // already dropped that connection and the next query opens a new one, so there is nothing to do.
  pool.on('error', () => undefined);
  const db = new Kysely<EventLogDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    // Like CREATE TABLE, CREATE SCHEMA IF NOT EXISTS fails when two sessions create the same
    // schema at once (replicas starting together), so openers of one schema take turns.
    await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`netledger.schema.${schema}`}))`.execute(trx);
      await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(trx);
    });
    return await SqlEventLog.open(db, {
      service: config.service,
      registry: config.registry,
      dialect: 'postgres',
      location: `${location} schema ${schema}`,
      ...(config.clock ? { clock: config.clock } : {}),
    });
  } catch (cause) {
    await db.destroy();
    throw new StorageError(location, `cannot open PostgreSQL event log: ${(cause as Error).message}`, { cause });
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
