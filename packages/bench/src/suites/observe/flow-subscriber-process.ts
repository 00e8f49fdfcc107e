import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ObserveBenchError } from './observe-bench-error.js';

const SUBSCRIBER = fileURLToPath(new URL('./flow-subscriber.mjs', import.meta.url));
const READY_TIMEOUT_MS = 10_000;
const REPORT_TIMEOUT_MS = 5_000;

/** What flow-subscriber.mjs has counted so far. */
export interface SubscriberReport {
  readonly received: number;
  /** Messages on the flow subjects that were not flows. */
  readonly malformed: number;
  /** process.hrtime.bigint() when the last flow arrived (0n: none yet). */
  readonly lastNs: bigint;
}

/** The follower child: counts what `netledger.flows.>` delivers. */
export interface FlowSubscriberProcess {
  report(): Promise<SubscriberReport>;
  /** Ends it now (synchronous, for the teardown). */
  kill(): void;
  /** Closes its stdin (it closes its connection and exits) and waits until it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts flow-subscriber.mjs (a plain node child, in the host's network namespace) against the
 * NATS server at `server`; resolves once its subscription is on the server, so nothing
 * published after that is missed.
 */
export async function startFlowSubscriber(server: string): Promise<FlowSubscriberProcess> {
  const child: ChildProcess = spawn(process.execPath, [SUBSCRIBER, '--server', server], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const waiting: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      waiting.shift()?.resolve(line);
    }
  });
  const fail = (why: string): void => {
    for (const w of waiting.splice(0)) w.reject(new ObserveBenchError('flow subscriber', `${why}${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
  };
  child.once('error', (e) => fail(e.message));
  child.once('exit', (code, signal) => fail(`exited with ${String(code ?? signal)}`));
  const nextLine = (timeoutMs: number, what: string): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ObserveBenchError('flow subscriber', `no ${what} after ${timeoutMs} ms`)), timeoutMs);
      waiting.push({
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const kill = (): void => {
    if (running()) child.kill('SIGKILL');
  };
  const exited = new Promise<void>((resolve) => {
    if (!running()) resolve();
    else child.once('exit', () => resolve());
  });
  try {
    await nextLine(READY_TIMEOUT_MS, 'subscription');
  } catch (e) {
    kill();
    throw e;
  }
  return {
    async report() {
      const line = nextLine(REPORT_TIMEOUT_MS, 'report');
      child.stdin?.write('report\n');
      const r = JSON.parse(await line) as { received: number; malformed: number; lastNs: string };
      return { received: r.received, malformed: r.malformed, lastNs: BigInt(r.lastNs) };
    },
    kill,
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(kill, 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
