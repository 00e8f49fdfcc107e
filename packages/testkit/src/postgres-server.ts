import { randomBytes } from 'node:crypto';
import { chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { findPostgresBinaries } from './postgres-binaries.js';
import { PostgresStartError } from './postgres-errors.js';
import { launchPostgres, runInitdb, stopPostgres, type PostgresProcess } from './postgres-process.js';
import { lookupOsUser, type OsUser } from './os-user.js';
import { createTempDir } from './temp-dir.js';

/** A PostgreSQL database for one test file (or one test) and the way to get rid of it. */
export interface PostgresServer {
  /** postgres://user@127.0.0.1:port/database, ready to hand to `openPostgresEventLog`. */
  readonly connectionString: string;
  readonly port: number;
  /** Fast shutdown and removal of the temp dir (or, for an external server, dropping the database). */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Database to create (default `netledger_test`; on an external server a random suffix is added). */
  readonly database?: string;
  /** Directory with `initdb` and `postgres` (default: NETLEDGER_PG_BIN, else the newest /usr/lib/postgresql/<ver>/bin). */
  readonly binDir?: string;
  /** Use this server instead of starting one (default: NETLEDGER_TEST_PG_URL). */
  readonly externalUrl?: string;
  /** How long a fresh server may take to accept connections (default 60 s: CI machines are slow). */
  readonly startTimeoutMs?: number;
}

interface ResolvedOptions {
  readonly database: string;
  readonly binDir: string | undefined;
  readonly externalUrl: string | undefined;
  readonly startTimeoutMs: number;
}

/**
 * Starts a throwaway PostgreSQL server for tests: a fresh cluster in a temp dir, on a free
 * port of 127.0.0.1, with fsync off (its data is thrown away anyway). When
 * NETLEDGER_TEST_PG_URL is set, a fresh database on that server is used instead.
 * Call `stop()` in an `after` hook; a process exit also stops servers still running.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const config = resolveOptions(options, process.env);
  return config.externalUrl ? useExternalServer(config.externalUrl, config.database) : startLocalServer(config);
}

// The only place the test kit reads the environment: both variables are per-machine choices.
function resolveOptions(options: StartPostgresOptions, env: NodeJS.ProcessEnv): ResolvedOptions {
  const database = options.database ?? 'netledger_test';
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) {
    throw new TypeError(`startPostgres: database name ${database} must be lowercase letters, digits and _`);
  }
  return Object.freeze({
    database,
    binDir: options.binDir ?? (env['NETLEDGER_PG_BIN'] || undefined),
    externalUrl: options.externalUrl ?? (env['NETLEDGER_TEST_PG_URL'] || undefined),
    startTimeoutMs: options.startTimeoutMs ?? 60_000,
  });
}

async function startLocalServer(config: ResolvedOptions): Promise<PostgresServer> {
  const binaries = findPostgresBinaries(config.binDir);
  const runAs = serverUser();
  const dir = await createTempDir('netledger-pg');
  let server: PostgresProcess | undefined;
  try {
    const dataDir = join(dir.path, 'data');
    const socketDir = join(dir.path, 'sock');
    await mkdir(socketDir);
    if (runAs) {
      // initdb and postgres refuse to run as root; the postgres user must own what they write.
      await chown(dir.path, runAs.uid, runAs.gid);
      await chown(socketDir, runAs.uid, runAs.gid);
    }
    await runInitdb(binaries.initdb, dataDir, runAs);
    server = await launchPostgres({
      postgres: binaries.postgres,
      dataDir,
      socketDir,
      runAs,
      tempDir: dir.path,
      startTimeoutMs: config.startTimeoutMs,
    });
    const admin = `postgres://postgres@127.0.0.1:${server.port}/postgres`;
    await createDatabase(admin, config.database, server.output.toString());
    const started = server;
    let stopping: Promise<void> | undefined;
    return Object.freeze({
      connectionString: `postgres://postgres@127.0.0.1:${started.port}/${config.database}`,
      port: started.port,
      stop: () => (stopping ??= stopPostgres(started).finally(() => dir.remove())),
    });
  } catch (e) {
    if (server) await stopPostgres(server);
    await dir.remove();
    throw e;
  }
}

function serverUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const user = lookupOsUser('postgres');
  if (!user) {
    throw new PostgresStartError('find the postgres OS user', 'running as root, and PostgreSQL refuses to run as root: `apt-get install postgresql` creates the postgres user', '');
  }
  return user;
}

async function useExternalServer(url: string, database: string): Promise<PostgresServer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new TypeError(`NETLEDGER_TEST_PG_URL is not a URL (postgres://user:password@host:port/database)`, { cause });
  }
  // A fresh database per call, so test files sharing the server never see each other's tables.
  const name = `${database}_${randomBytes(6).toString('hex')}`;
  await createDatabase(url, name, '');
  const own = new URL(parsed);
  own.pathname = `/${name}`;
  let stopping: Promise<void> | undefined;
  return Object.freeze({
    connectionString: own.toString(),
    port: Number(parsed.port || 5432),
    stop: () => (stopping ??= dropDatabase(url, name)),
  });
}

async function createDatabase(adminUrl: string, name: string, logTail: string): Promise<void> {
  await withClient(adminUrl, `create database ${name}`, logTail, (c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`));
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  // FORCE (PostgreSQL 13+) ends sessions a test left open instead of failing on them.
  await withClient(adminUrl, `drop database ${name}`, '', (c) => c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`));
}

async function withClient(url: string, step: string, logTail: string, work: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {
    // A dropped connection surfaces through the pending query; nothing to do here.
  });
  try {
    await client.connect();
    await work(client);
  } catch (cause) {
    throw new PostgresStartError(step, (cause as Error).message, logTail, { cause });
  } finally {
    await client.end().catch(() => undefined);
  }
}
