import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { NatsNotInstalledError, NatsServerStartError } from './errors.js';
import { freePorts } from './internal/free-ports.js';

/** How to run a local nats-server with JetStream. */
export interface NatsServerOptions {
  /** JetStream store directory; created when missing. Reusing it keeps the streams. */
  storeDir: string;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Client port; 0 or absent picks a free port. */
  port?: number;
  /** HTTP monitoring port (/healthz); 0 or absent picks a free port. */
  monitorPort?: number;
  /** Executable (default: `nats-server` on PATH, else /usr/sbin/nats-server). */
  binary?: string;
  /** Where nats-server writes its log; without it the last lines are kept in memory for errors. */
  logFile?: string;
  /** How long to wait for /healthz to report JetStream ready (default 20 s). */
  startTimeoutMs?: number;
  /**
   * A config file, e.g. from provisionNatsCredentials (natsServerConfig). It must enable
   * JetStream with `store_dir` = storeDir: the server refuses the store given twice, and a
   * reload would stop JetStream if only the command line enabled it.
   */
  configFile?: string;
}

interface ServerConfig {
  readonly storeDir: string;
  readonly host: string;
  readonly port: number;
  readonly monitorPort: number;
  /** Executables to try in order; the first that exists is used from then on. */
  readonly binaries: readonly string[];
  readonly logFile: string | undefined;
  readonly startTimeoutMs: number;
  readonly configFile: string | undefined;
}

// Debian installs nats-server in /usr/sbin, which is not on every user's PATH.
const DEFAULT_BINARIES = ['nats-server', '/usr/sbin/nats-server'];
const STOP_GRACE_MS = 10_000;
const LOG_TAIL_LINES = 40;
const PORT_ATTEMPTS = 3;

// Children still running when this process exits (a failed test, Ctrl-C) are killed, so no
// nats-server outlives the test run holding its port and store.
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/**
 * A nats-server child process with JetStream enabled. `start` resolves once /healthz on the
 * monitoring port says ok, which on 2.9 means JetStream has recovered its store and serves.
 */
export class NatsServerProcess {
  readonly url: string;
  readonly port: number;
  readonly monitorUrl: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private logTail: string[] = [];

  protected constructor(private config: ServerConfig) {
    this.port = config.port;
    this.url = `nats://${config.host}:${config.port}`;
    this.monitorUrl = `http://${config.host}:${config.monitorPort}`;
  }

  /** Spawns nats-server and waits until it is healthy. Throws NatsNotInstalledError or NatsServerStartError. */
  static async start(options: NatsServerOptions): Promise<NatsServerProcess> {
    const binaries = options.binary ? [options.binary] : DEFAULT_BINARIES;
    const host = options.host ?? '127.0.0.1';
    const pickPorts = !options.port || !options.monitorPort;
    mkdirSync(options.storeDir, { recursive: true });
    for (let attempt = 1; ; attempt++) {
      const [freeClient, freeMonitor] = pickPorts ? await freePorts(host, 2) : [];
      const server = new NatsServerProcess(
        Object.freeze({
          storeDir: options.storeDir,
          host,
          port: options.port || freeClient!,
          monitorPort: options.monitorPort || freeMonitor!,
          binaries,
          logFile: options.logFile,
          startTimeoutMs: options.startTimeoutMs ?? 20_000,
          configFile: options.configFile,
        }),
      );
      try {
        await server.launch();
        return server;
      } catch (e) {
        // A port we picked can be taken by someone else before nats-server binds it: pick again.
        const portTaken = e instanceof NatsServerStartError && e.logTail.some((l) => /address already in use/i.test(l));
        if (!(pickPorts && portTaken && attempt < PORT_ATTEMPTS)) throw e;
      }
    }
  }

  /** Process id of the running server, -1 when it is not running. */
  get pid(): number {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return -1;
    return child.pid ?? -1;
  }

  /** Stops gracefully (SIGTERM, which lets JetStream flush), SIGKILL if it has not exited after 10 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the server without letting it flush (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** Stops (if running) and starts again on the same ports and store; clients reconnect to the same url. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  private async launch(): Promise<void> {
    const { config } = this;
    for (const binary of config.binaries) {
      try {
        await this.launchWith(binary);
        // Remember what worked so a restart does not probe again.
        this.config = Object.freeze({ ...config, binaries: [binary] });
        return;
      } catch (e) {
        if (!(e instanceof NatsNotInstalledError)) throw e;
      }
    }
    throw new NatsNotInstalledError(config.binaries);
  }

  private async launchWith(binary: string): Promise<void> {
    const { config } = this;
    const jetStream = config.configFile ? ['-c', config.configFile] : ['-js', '-sd', config.storeDir];
    const args = [...jetStream, '-a', config.host, '-p', String(config.port), '-m', String(config.monitorPort)];
    if (config.logFile) args.push('-l', config.logFile);
    this.logTail = [];
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    liveChildren.add(child);
    let spawnError: Error | undefined;
    let exitReason: string | undefined;
    this.exited = new Promise<void>((resolve) => {
      child.once('error', (e) => {
        spawnError = e;
        liveChildren.delete(child);
        resolve();
      });
      child.once('exit', (code, signal) => {
        exitReason = signal ? `killed by ${signal}` : `exited with code ${String(code)}`;
        liveChildren.delete(child);
        resolve();
      });
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.keepLog(chunk));

    const deadline = Date.now() + config.startTimeoutMs;
    for (;;) {
      if (spawnError) {
        if ((spawnError as NodeJS.ErrnoException).code === 'ENOENT') throw new NatsNotInstalledError([binary], { cause: spawnError });
        throw new NatsServerStartError(config.storeDir, config.port, `cannot spawn ${binary}`, this.currentLogTail(), { cause: spawnError });
      }
      if (exitReason) {
        // Give the stderr pipe a moment to deliver the lines that explain the exit.
        await new Promise((r) => setTimeout(r, 20));
        throw new NatsServerStartError(config.storeDir, config.port, `${exitReason} before it was healthy`, this.currentLogTail());
      }
      if (await this.healthy()) return;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        await this.exited;
        throw new NatsServerStartError(config.storeDir, config.port, `not healthy after ${config.startTimeoutMs} ms`, this.currentLogTail());
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async healthy(): Promise<boolean> {
    try {
      const res = await fetch(`${this.monitorUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (!res.ok) return false;
      const body = (await res.json()) as { status?: unknown };
      return body.status === 'ok';
    } catch {
      return false;
    }
  }

  private currentLogTail(): string[] {
    if (!this.config.logFile) return [...this.logTail];
    try {
      return readFileSync(this.config.logFile, 'utf8').split('\n').filter((l) => l.trim()).slice(-LOG_TAIL_LINES);
    } catch {
      return [];
    }
  }

  private keepLog(chunk: string): void {
    for (const line of chunk.split('\n')) if (line.trim()) this.logTail.push(line);
    if (this.logTail.length > LOG_TAIL_LINES) this.logTail.splice(0, this.logTail.length - LOG_TAIL_LINES);
  }
}
