import { isIPv4 } from 'node:net';
import type { Pod } from '@netledger/k8s';

/** Succeeded or Failed: its containers will not run again. */
export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Being deleted (a real API server's graceful deletion; the local one deletes at once). */
export function isPodTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== '';
}

/** Counts as one of a workload's replicas: neither finished nor going away. */
export function isPodActive(pod: Pod): boolean {
  return !isPodTerminal(pod) && !isPodTerminating(pod);
}

/** Its Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The pod's IPv4 address (from podIPs, else podIP), if it has one. */
export function podIPv4(pod: Pod): string | undefined {
  const ips = [...(pod.status?.podIPs ?? []).map((p) => p.ip), pod.status?.podIP];
  return ips.find((ip): ip is string => typeof ip === 'string' && isIPv4(ip));
}

export function labelsOf(pod: Pod): Readonly<Record<string, string>> {
  return pod.metadata.labels ?? {};
}
