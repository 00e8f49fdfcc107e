import type { Namespace, Pod } from '@netledger/k8s';

let resourceVersion = 1000;

export interface PodSpec {
  readonly labels?: Record<string, string>;
  readonly node?: string;
  readonly ips?: string[];
  readonly uid?: string;
  readonly serviceAccount?: string;
  readonly hostNetwork?: boolean;
  readonly phase?: string;
  readonly ports?: Array<{ name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }>;
}

/** A running pod on node-a with one IP unless told otherwise. */
export function pod(namespace: string, name: string, spec: PodSpec = {}): Pod {
  const ips = spec.ips ?? ['10.0.0.1'];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, uid: spec.uid ?? `uid-${namespace}-${name}`, resourceVersion: String(++resourceVersion), labels: spec.labels ?? {} },
    spec: {
      nodeName: spec.node ?? 'node-a',
      ...(spec.serviceAccount ? { serviceAccountName: spec.serviceAccount } : {}),
      ...(spec.hostNetwork ? { hostNetwork: true } : {}),
      containers: [{ name: 'main', ports: spec.ports ?? [] }],
    },
    status: { phase: spec.phase ?? 'Running', ...(ips.length ? { podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) } : {}) },
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: `uid-ns-${name}`, resourceVersion: String(++resourceVersion), labels } };
}
