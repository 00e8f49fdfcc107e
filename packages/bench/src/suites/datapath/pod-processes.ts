import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchPod } from './bench-network.js';
import { DatapathBenchError } from './datapath-bench-error.js';

const ECHO_SERVER = fileURLToPath(new URL('./echo-server.mjs', import.meta.url));
const LOAD_GENERATOR = fileURLToPath(new URL('./load-generator.mjs', import.meta.url));

/** A process of the bench running inside a pod. */
export interface PodProcess {
  /** Ends it now (synchronous, so a signal handler's teardown can call it too). */
  kill(): void;
  /** Ends it and waits until it has exited. */
  stop(): Promise<void>;
}

/** What load-generator.mjs prints. */
export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly seconds: number;
  readonly connPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface LoadOptions {
  readonly concurrency: number;
  readonly seconds: number;
  /** Kills the generator when aborted (the bench's teardown). */
  readonly signal?: AbortSignal;
}

// `ip netns exec` execs node after entering the namespace, so the child's pid is node's own.
function spawnInPod(pod: BenchPod, script: string, args: readonly string[], signal?: AbortSignal): ChildProcess {
  return spawn('ip', ['netns', 'exec', pod.netns, process.execPath, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

/** Starts echo-server.mjs in the pod and resolves once it listens on every one of `ports`. */
export async function startEchoServer(pod: BenchPod, ports: readonly number[]): Promise<PodProcess> {
  const child = spawnInPod(pod, ECHO_SERVER, ports.flatMap((p) => ['--port', String(p)]));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const stop = async (): Promise<void> => {
    kill();
    await exited(child);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('listening')) resolve();
      });
      child.once('error', reject);
      child.once('exit', (code) => reject(new DatapathBenchError(`echo server in ${pod.netns}`, `exited with ${String(code)} before listening: ${stderr.trim()}`)));
      setTimeout(() => reject(new DatapathBenchError(`echo server in ${pod.netns}`, `not listening on ${ports.join(', ')} after 10 s`)), 10_000).unref();
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { kill, stop };
}

/** Runs load-generator.mjs in the pod against `to` (IP:PORT) and returns what it measured. */
export async function runLoad(pod: BenchPod, to: string, options: LoadOptions): Promise<LoadResult> {
  const args = ['--to', to, '--concurrency', String(options.concurrency), '--seconds', String(options.seconds)];
  const child = spawnInPod(pod, LOAD_GENERATOR, args, options.signal);
  let out = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // The run has its own timeouts; this only catches a generator that hangs.
  const watchdog = setTimeout(() => child.kill('SIGKILL'), (options.seconds + 30) * 1000);
  try {
    const code = await exited(child);
    if (code !== 0) throw new DatapathBenchError(`load generator in ${pod.netns}`, `exited with ${String(code)}: ${stderr.trim()}`);
  } finally {
    clearTimeout(watchdog);
  }
  return JSON.parse(out.trim()) as LoadResult;
}
