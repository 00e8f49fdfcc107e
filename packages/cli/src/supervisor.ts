import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import type { DataDir } from '@netledger/runtime';

// A larger young generation: replaying a log (a service's start, an agent's bootstrap) builds
// a state that lives, and with V8's default 16 MiB semi-spaces each scavenge copied it again.
// Measured on a 1,000,000-event identity log: 73-75k events/s by default, 86-91k with 64 MiB.
// V8 grows the young generation up to this only under allocation pressure.
const V8_FLAGS = ['--max-semi-space-size=64'] as const;

/** One child the supervisor runs: a netledger process started with node and tsx. */
export interface ChildSpec {
  readonly name: string;
  /** Script (TypeScript, run through the tsx loader). */
  readonly script: string;
  readonly args: readonly string[];
}

interface Running {
  readonly spec: ChildSpec;
  child: ChildProcess;
  restarts: number;
  stopping: boolean;
  exited: Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Starts netledger processes, restarts them with backoff when they die, and stops them in the
 * reverse order of starting. Children get their own process group, so a Ctrl-C in the terminal
 * reaches only the supervisor, which then stops them in order (agent, services, then NATS);
 * they also watch their parent and stop if it dies, so none is left behind.
 */
export class Supervisor {
  private readonly running: Running[] = [];

  constructor(
    private readonly dataDir: DataDir,
    private readonly tsxLoader: string,
    private readonly log: (msg: string) => void,
  ) {}

  start(spec: ChildSpec): ChildProcess {
    const r: Running = { spec, child: undefined as unknown as ChildProcess, restarts: 0, stopping: false, exited: Promise.resolve() };
    this.spawn(r);
    this.running.push(r);
    return r.child;
  }

  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.running.map((r) => [r.spec.name, r.child.pid]));
  }

  /** Stops every child, last started first; each gets `graceMs` before SIGKILL. */
  async stopAll(graceMs = 15_000): Promise<void> {
    for (const r of [...this.running].reverse()) {
      r.stopping = true;
      if (r.child.exitCode === null && r.child.signalCode === null) {
        r.child.kill('SIGTERM');
        const timer = setTimeout(() => {
          this.log(`${r.spec.name} did not stop within ${graceMs} ms: killing it`);
          r.child.kill('SIGKILL');
        }, graceMs);
        await r.exited;
        clearTimeout(timer);
      }
    }
  }

  private spawn(r: Running): void {
    mkdirSync(this.dataDir.logs, { recursive: true });
    const out = openSync(this.dataDir.logFile(r.spec.name), 'a');
    const child = spawn(process.execPath, [...V8_FLAGS, '--import', this.tsxLoader, r.spec.script, ...r.spec.args, '--exit-with-parent'], {
      stdio: ['ignore', out, out],
      detached: true,
    });
    closeSync(out);
    r.child = child;
    r.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => {
      if (r.stopping) return;
      r.restarts += 1;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(r.restarts, 6));
      this.log(`${r.spec.name} exited (${signal ?? `code ${code}`}); restarting in ${delay} ms (see ${this.dataDir.logFile(r.spec.name)})`);
      setTimeout(() => {
        if (!r.stopping) this.spawn(r);
      }, delay).unref();
    });
  }
}
