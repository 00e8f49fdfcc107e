import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { rmSync } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from './free-port.js';
import type { OsUser } from './os-user.js';
import { OutputTail } from './output-tail.js';
import { PostgresStartError } from './postgres-errors.js';

/** A running postmaster started by the test kit. */
export interface PostgresProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly output: OutputTail;
}

export interface LaunchOptions {
  readonly postgres: string;
  readonly dataDir: string;
  readonly socketDir: string;
  readonly runAs: OsUser | undefined;
  /** Removed at process exit if the test never called stop(). */
  readonly tempDir: string;
  readonly startTimeoutMs: number;
}

// Another process can grab the free port between freePort() and the server's bind.
const PORT_ATTEMPTS = 3;
// Fast shutdown normally takes well under a second; past this the server is killed.
const STOP_TIMEOUT_MS = 30_000;

/** Creates a cluster with trust auth for local test connections (no password to manage). */
export async function runInitdb(initdb: string, dataDir: string, runAs: OsUser | undefined): Promise<void> {
  const output = new OutputTail();
  const child = spawn(
    initdb,
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
    childOptions(runAs),
  );
  output.follow(child.stdout);
  output.follow(child.stderr);
  const [code, signal] = (await exitOf(child)) as [number | null, NodeJS.Signals | null];
  if (code !== 0) throw new PostgresStartError('initdb', `exited with ${signal ?? `code ${code}`}`, output.toString());
}

/** Starts `postgres` on a free port and waits until it accepts connections. */
export async function launchPostgres(options: LaunchOptions): Promise<PostgresProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const output = new OutputTail();
    const child = spawn(options.postgres, serverArgs(options, port), childOptions(options.runAs));
    output.follow(child.stdout);
    output.follow(child.stderr);
    const server = { child, port, output };
    track(server, options.tempDir);
    try {
      await waitUntilReady(server, Date.now() + options.startTimeoutMs);
      return server;
    } catch (e) {
      await stopPostgres(server);
      const portTaken = /could not bind|address already in use/i.test(output.toString());
      if (!portTaken || attempt >= PORT_ATTEMPTS) throw e;
    }
  }
}

/** Fast shutdown: open transactions roll back and clients are disconnected, no waiting for them. */
export async function stopPostgres(server: PostgresProcess): Promise<void> {
  const { child } = server;
  if (hasExited(child)) {
    untrack(server);
    return;
  }
  const exited = exitOf(child);
  child.kill('SIGINT');
  const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  try {
    await exited;
  } finally {
    clearTimeout(killer);
    untrack(server);
  }
}

function serverArgs(options: LaunchOptions, port: number): string[] {
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: options.socketDir,
    // Durability is pointless for data deleted at the end of the run; skipping it keeps tests fast.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    shared_buffers: '32MB',
    max_connections: '100',
  };
  return ['-D', options.dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
}

function childOptions(runAs: OsUser | undefined): SpawnOptions {
  // Spawned directly as the postgres user (rather than through runuser) so the child is the
  // postmaster itself and a signal to it is a PostgreSQL shutdown mode, not a wrapper's.
  return {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
  };
}

async function waitUntilReady(server: PostgresProcess, deadline: number): Promise<void> {
  const step = `start on port ${server.port}`;
  let lastError: unknown;
  for (;;) {
    if (hasExited(server.child)) {
      const how = server.child.signalCode ?? `code ${server.child.exitCode}`;
      throw new PostgresStartError(step, `server exited with ${how}`, server.output.toString(), { cause: lastError });
    }
    const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 5_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (e) {
      lastError = e;
    } finally {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      throw new PostgresStartError(step, `not accepting connections: ${(lastError as Error).message}`, server.output.toString(), {
        cause: lastError,
      });
    }
    await sleep(100);
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function exitOf(child: ChildProcess): Promise<unknown[]> {
  return hasExited(child) ? Promise.resolve([child.exitCode, child.signalCode]) : once(child, 'exit');
}

// Servers a test started and has not stopped yet. If the process ends without stopping them
// (a failed `before`, an uncaught error, Ctrl-C), they are killed and their temp dirs removed,
// so no postmaster outlives the test run.
const running = new Map<PostgresProcess, string>();
let exitHooksInstalled = false;

function track(server: PostgresProcess, tempDir: string): void {
  running.set(server, tempDir);
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAllNow();
      // Our listener is gone now, so the re-sent signal ends the process as it would have.
      process.kill(process.pid, signal);
    });
  }
}

function untrack(server: PostgresProcess): void {
  running.delete(server);
}

function killAllNow(): void {
  for (const [server, dir] of running) {
    // Immediate shutdown: at exit only synchronous work runs, so there is no waiting for it.
    server.child.kill('SIGQUIT');
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // The server may still be writing; a leftover temp dir is better than a failed exit.
    }
  }
  running.clear();
}
