import { probe as probeOnce, type ProbeResult } from '@netledger/node-runtime';
import { CliError, UsageError } from '../cli-error.js';
import { FlowWindow, type DatapathVerdict } from '../connectivity/flow-window.js';
import { parseAddress, resolvePod, type RunningPod } from '../connectivity/pod-target.js';
import { printJson, type OutputFormat } from '../output.js';
import { loadK8s, openKubeClient, type KubeCommandOptions } from './apply.js';

export const PROBE_HELP = `Usage: netledger probe --from NS/POD|host --to NS/POD|IP:PORT [--proto tcp|udp] [--port N]
                       [--timeout-ms N] [-o json] [--kubeconfig PATH] [--pin-dir DIR]

Makes one real connection attempt from inside the source pod's network namespace (or from the
host with --from host) and reports connected, refused or timed out. When the attempt did not
connect, it adds the datapath's verdict for it from the node's flow records: DROPPED and the
drop reason (e.g. policy-denied) and the policy rule id that decided.
  --to NS/POD    the pod's address and its first container port of the protocol (or --port)
  --to IP:PORT   any address: a pod, a ClusterIP, a node address with a NodePort, the world
  --proto        tcp (default; an HTTP GET, so echo servers say which pod answered) or udp
  --timeout-ms   how long to wait for the connection or the UDP reply (default 2000)
Exit code 0 when it connected, 1 otherwise.`;

export interface ProbeOptions extends KubeCommandOptions {
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly proto: string | undefined;
  readonly port: number | undefined;
  readonly timeoutMs: number;
  readonly pinDir: string | undefined;
  readonly output: OutputFormat;
}

/** One probe's outcome, as `probe -o json` prints it and `connectivity test` records it. */
export interface ProbeReport {
  readonly from: string;
  readonly sourceIp: string | undefined;
  readonly to: { readonly ip: string; readonly port: number; readonly proto: 'tcp' | 'udp' };
  readonly result: ProbeResult['result'];
  readonly ms: number;
  readonly reply?: string;
  readonly datapath?: DatapathVerdict;
}

export async function probeCommand(options: ProbeOptions): Promise<number> {
  if (!options.from) throw new UsageError('probe needs --from NS/POD (or --from host)');
  if (!options.to) throw new UsageError('probe needs --to NS/POD or --to IP:PORT');
  const proto = parseProto(options.proto);
  const k8s = await loadK8s();
  const client = openKubeClient(k8s, options);
  const source = options.from === 'host' ? undefined : await resolvePod(client, options.from, '--from');
  const to = parseAddress(options.to) ?? portOf(await resolvePod(client, options.to, '--to'), proto, options.port);
  const report = await runProbe({ source, to: { ...to, proto }, timeoutMs: options.timeoutMs, pinDir: options.pinDir });
  if (options.output === 'json') printJson(report);
  else console.log(describeProbe(report));
  return report.result === 'connected' ? 0 : 1;
}

/** One attempt plus the datapath's verdict on it. */
export async function runProbe(input: {
  readonly source: RunningPod | undefined;
  readonly to: { readonly ip: string; readonly port: number; readonly proto: 'tcp' | 'udp' };
  readonly timeoutMs: number;
  readonly pinDir: string | undefined;
}): Promise<ProbeReport> {
  const { source, to } = input;
  const window = FlowWindow.open(input.pinDir);
  try {
    const r = await probeOnce({
      ...(source ? { netns: source.netns } : {}),
      to: { ip: to.ip, port: to.port },
      proto: to.proto,
      timeoutMs: input.timeoutMs,
      http: to.proto === 'tcp',
    });
    // Flow records are written as packets pass; the ring is read after the attempt ended.
    const datapath = r.result === 'connected' ? undefined : window.verdictFor(source?.ip, to.ip, to.port);
    return {
      from: source ? `${source.namespace}/${source.name}` : 'host',
      sourceIp: source?.ip,
      to,
      result: r.result,
      ms: r.ms,
      ...(r.reply !== undefined ? { reply: r.reply } : {}),
      ...(datapath ? { datapath } : {}),
    };
  } finally {
    window.close();
  }
}

export function describeProbe(r: ProbeReport): string {
  const head = `${r.from}${r.sourceIp ? ` (${r.sourceIp})` : ''} -> ${r.to.ip}:${r.to.port}/${r.to.proto.toUpperCase()}: `;
  const outcome =
    r.result === 'connected' ? `connected in ${r.ms} ms` : r.result === 'timed-out' ? `timed out after ${r.ms} ms` : r.result === 'refused' ? `refused after ${r.ms} ms` : `error after ${r.ms} ms`;
  const reply = r.reply ? `; reply: ${r.reply.trim().slice(0, 200)}` : '';
  return `${head}${outcome}${reply}${r.datapath ? `; datapath: ${describeVerdict(r.datapath)}` : ''}`;
}

export function describeVerdict(v: DatapathVerdict): string {
  if (v.verdict === 'FORWARDED') return `FORWARDED at ${v.observation}`;
  const rule = v.ruleId ? ` by rule ${v.ruleId.toString(16).padStart(8, '0')}` : '';
  return `DROPPED (${v.reason ?? 'unknown reason'})${rule} at ${v.observation}`;
}

function parseProto(raw: string | undefined): 'tcp' | 'udp' {
  const p = (raw ?? 'tcp').toLowerCase();
  if (p !== 'tcp' && p !== 'udp') throw new UsageError(`--proto ${raw}: expected tcp or udp`);
  return p;
}

function portOf(pod: RunningPod, proto: 'tcp' | 'udp', port: number | undefined): { ip: string; port: number } {
  if (port !== undefined) return { ip: pod.ip, port };
  const first = pod.ports.find((p) => p.protocol === proto.toUpperCase());
  if (!first) throw new CliError(`--to ${pod.namespace}/${pod.name}: the pod declares no ${proto.toUpperCase()} container port; pass --port N`);
  return { ip: pod.ip, port: first.port };
}
