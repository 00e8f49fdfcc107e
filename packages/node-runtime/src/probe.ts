import { netnsNameOf } from './netns.js';
import { PROBE_CLIENT_SCRIPT } from './pod-images.js';
import { execCommand } from './run-command.js';
import { ipCommand } from './ip-command.js';

export interface ProbeOptions {
  /** The source pod's network namespace (name or /var/run/netns path); absent = the host's. */
  readonly netns?: string | undefined;
  readonly to: { readonly ip: string; readonly port: number };
  readonly proto: 'tcp' | 'udp';
  /** How long to wait for the connection (TCP) or the reply (UDP). */
  readonly timeoutMs: number;
  /** TCP: send `GET / HTTP/1.0` and return the body as `reply` (echo pods say who answered). */
  readonly http?: boolean;
  /** UDP: the datagram to send (default `ping`). */
  readonly payload?: string;
}

export interface ProbeResult {
  readonly result: 'connected' | 'refused' | 'timed-out' | 'error';
  /** Milliseconds until connected (TCP), the reply (UDP) or the failure. */
  readonly ms: number;
  readonly reply?: string;
  readonly localIp?: string;
  readonly localPort?: number;
  /** What went wrong, for `error` (an errno code or a message), or a connected probe without a reply. */
  readonly error?: string;
}

/**
 * One real connection attempt from inside a network namespace: runs the probe client
 * (`ip netns exec <netns> node probe-client.mjs`, plain JavaScript so it starts fast) and reads
 * the JSON line it prints. A client that cannot run is an `error` result, not an exception.
 */
export async function probe(options: ProbeOptions): Promise<ProbeResult> {
  const args = [
    PROBE_CLIENT_SCRIPT,
    '--to',
    `${options.to.ip}:${options.to.port}`,
    '--proto',
    options.proto,
    '--timeout-ms',
    String(Math.max(1, Math.round(options.timeoutMs))),
    ...(options.http ? ['--http'] : []),
    ...(options.payload === undefined ? [] : ['--payload', options.payload]),
  ];
  const [file, argv] = options.netns === undefined ? [process.execPath, args] : [ipCommand(), ['netns', 'exec', netnsNameOf(options.netns), process.execPath, ...args]];
  try {
    // The client stops itself at timeoutMs; the margin covers its start.
    const r = await execCommand(file, argv, { timeoutMs: options.timeoutMs + 10_000 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    try {
      return JSON.parse(line) as ProbeResult;
    } catch {
      return { result: 'error', ms: 0, error: (r.stderr.trim() || r.stdout.trim() || `exit code ${r.exitCode}`).slice(-300) };
    }
  } catch (e) {
    return { result: 'error', ms: 0, error: (e as Error).message };
  }
}
