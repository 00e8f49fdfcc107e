import type { KubeClient, KubeObject } from '@netledger/k8s';
import { NETNS_ANNOTATION } from '@netledger/node-runtime';
import { CliError, UsageError } from '../cli-error.js';

/** A pod the node runtime runs: where to enter it and what it listens on. */
export interface RunningPod {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  readonly netns: string;
  readonly node: string | undefined;
  readonly ports: ReadonlyArray<{ readonly name: string | undefined; readonly port: number; readonly protocol: string }>;
}

/** `NS/POD` (or `POD` in the default namespace) -> the running pod, or a CliError saying what is missing. */
export async function resolvePod(client: KubeClient, ref: string, flag: string): Promise<RunningPod> {
  const parts = ref.split('/');
  if (parts.length > 2 || parts.some((p) => p === '')) throw new UsageError(`${flag} ${ref}: expected NAMESPACE/POD`);
  const [namespace, name] = parts.length === 2 ? (parts as [string, string]) : [client.defaultNamespace, parts[0]!];
  const [pod] = await client.get('pods', name, namespace);
  if (!pod) throw new CliError(`${flag} ${ref}: pod ${namespace}/${name} not found`);
  return runningPod(pod, `${flag} ${ref}`);
}

export function runningPod(pod: KubeObject, what: string): RunningPod {
  const meta = pod.metadata;
  const status = (pod as { status?: { podIP?: string } }).status;
  const spec = (pod as { spec?: { nodeName?: string; containers?: Array<{ ports?: Array<{ name?: string; containerPort?: number; protocol?: string }> }> } }).spec;
  const netns = meta.annotations?.[NETNS_ANNOTATION];
  const ip = status?.podIP;
  if (!ip) throw new CliError(`${what}: pod ${meta.namespace}/${meta.name} has no IP yet (status.podIP is empty)`);
  if (!netns) throw new CliError(`${what}: pod ${meta.namespace}/${meta.name} has no ${NETNS_ANNOTATION} annotation: the local node runtime does not run it`);
  const ports = (spec?.containers ?? []).flatMap((c) =>
    (c.ports ?? []).filter((p) => typeof p.containerPort === 'number').map((p) => ({ name: p.name, port: p.containerPort!, protocol: (p.protocol ?? 'TCP').toUpperCase() })),
  );
  return { namespace: meta.namespace ?? 'default', name: meta.name, ip, netns, node: spec?.nodeName, ports };
}

/** `IP:PORT` -> its parts, or undefined when `ref` is not of that form. */
export function parseAddress(ref: string): { ip: string; port: number } | undefined {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(ref);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535 || m[1]!.split('.').some((o) => Number(o) > 255)) return undefined;
  return { ip: m[1]!, port };
}
