import Database from 'better-sqlite3';
import pg from 'pg';
import { verifyLog, type LogVerification, type StoredEventSource, type VerifyOptions } from '@netledger/eventlog';

/** Verifies a stored log and closes its source. */
export async function verifyAndClose(source: StoredEventSource, options: VerifyOptions = {}): Promise<LogVerification> {
  try {
    return await verifyLog(source, options);
  } finally {
    await source.close();
  }
}

/** Changes a SQLite log behind its back, as an attacker with the file would. */
export function tamperSqlite(file: string, ...statements: string[]): void {
  const db = new Database(file);
  try {
    for (const s of statements) db.prepare(s).run();
  } finally {
    db.close();
  }
}

/** Changes a PostgreSQL log (schema `schema`) behind its back. */
export async function tamperPostgres(url: string, schema: string, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}
