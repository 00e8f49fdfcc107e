import pg from 'pg';
import { StorageError } from '../errors.js';
import type { StoredEventRow, StoredEventSource, StoredRetention } from './stored-event-source.js';

// int8 (bigint) comes back as text by default; sequences stay far below 2^53, so a number is exact.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Opens a service's PostgreSQL log (schema default `netledger_<service>`) for audit or export. */
export function openPostgresStoredEvents(connectionString: string, schema: string): StoredEventSource {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new TypeError(`postgres schema ${schema}: use lowercase letters, digits and _`);
  const location = `${connectionString.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')} schema ${schema}`;
  const pool = new pg.Pool({ connectionString, max: 1, types, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined);
  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> => {
    try {
      return (await pool.query<R>(text, values)).rows;
    } catch (cause) {
      throw new StorageError(location, `cannot read event log for audit: ${(cause as Error).message}`, { cause });
    }
  };
  return {
    location,
    readAfter: (afterSeq, limit) =>
      query<StoredEventRow>(
        'SELECT seq, id, stream, version, type, schema_version, time, cause, data, hash FROM events WHERE seq > $1 ORDER BY seq LIMIT $2',
        [afterSeq, limit],
      ),
    head: async () => {
      const [h] = await query<{ last_seq: number; last_hash: string }>('SELECT last_seq, last_hash FROM log_head WHERE id = 1', []);
      return h ? { lastSeq: Number(h.last_seq), lastHash: h.last_hash } : { lastSeq: 0, lastHash: '' };
    },
    retention: async () => {
      // A schema older than retention has no table: nothing was removed.
      const [table] = await query<{ t: string | null }>("SELECT to_regclass('retention')::text AS t", []);
      if (!table?.t) return undefined;
      const [m] = await query<StoredRetention>(
        'SELECT through_seq AS "throughSeq", through_hash AS "throughHash", time, reason FROM retention ORDER BY through_seq DESC LIMIT 1',
        [],
      );
      return m ? { ...m, throughSeq: Number(m.throughSeq) } : undefined;
    },
    close: () => pool.end(),
  };
}
