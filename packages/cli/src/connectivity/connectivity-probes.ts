/** Where a probe connects to. */
export type ProbeTarget =
  | { readonly kind: 'service'; readonly service: string; readonly port: string; readonly via: 'cluster-ip' | 'node-port' }
  | { readonly kind: 'world'; readonly port: number };

/** One probe of the connectivity check: who connects where, and whether it must connect. */
export interface ProbeSpec {
  readonly name: string;
  /** The client Deployment (its one pod) in the check's namespace, or the node itself. */
  readonly from: { readonly deployment: string } | 'host';
  readonly to: ProbeTarget;
  readonly proto: 'tcp' | 'udp';
  /** connected: the connection must succeed; dropped: the datapath must drop it for a policy. */
  readonly expect: 'connected' | 'dropped';
}

/** The namespace examples/connectivity-check.yaml creates. */
export const CHECK_NAMESPACE = 'connectivity-check';

/** The probes, matching the Deployments and policies in examples/connectivity-check.yaml. */
export const CONNECTIVITY_PROBES: readonly ProbeSpec[] = [
  { name: 'pod-to-a', from: { deployment: 'pod-to-a' }, to: { kind: 'service', service: 'echo-a', port: 'http', via: 'cluster-ip' }, proto: 'tcp', expect: 'connected' },
  {
    name: 'pod-to-a-allowed-cnp',
    from: { deployment: 'pod-to-a-allowed-cnp' },
    to: { kind: 'service', service: 'echo-a', port: 'http', via: 'cluster-ip' },
    proto: 'tcp',
    expect: 'connected',
  },
  {
    name: 'pod-to-a-denied-cnp',
    from: { deployment: 'pod-to-a-denied-cnp' },
    to: { kind: 'service', service: 'echo-a', port: 'http', via: 'cluster-ip' },
    proto: 'tcp',
    expect: 'dropped',
  },
  {
    name: 'pod-to-b-clusterip',
    from: { deployment: 'pod-to-b-clusterip' },
    to: { kind: 'service', service: 'echo-b', port: 'http', via: 'cluster-ip' },
    proto: 'tcp',
    expect: 'connected',
  },
  {
    name: 'pod-to-b-clusterip-udp',
    from: { deployment: 'pod-to-b-clusterip' },
    to: { kind: 'service', service: 'echo-b', port: 'udp-echo', via: 'cluster-ip' },
    proto: 'udp',
    expect: 'connected',
  },
  {
    name: 'pod-to-b-nodeport',
    from: { deployment: 'pod-to-b-nodeport' },
    to: { kind: 'service', service: 'echo-b', port: 'http', via: 'node-port' },
    proto: 'tcp',
    expect: 'connected',
  },
  { name: 'host-to-b-clusterip', from: 'host', to: { kind: 'service', service: 'echo-b', port: 'http', via: 'cluster-ip' }, proto: 'tcp', expect: 'connected' },
  {
    name: 'pod-to-external-allowed-cidr',
    from: { deployment: 'pod-to-external-allowed-cidr' },
    to: { kind: 'world', port: 8080 },
    proto: 'tcp',
    expect: 'connected',
  },
  {
    name: 'pod-to-external-denied-cidr',
    from: { deployment: 'pod-to-external-denied-cidr' },
    to: { kind: 'world', port: 8080 },
    proto: 'tcp',
    expect: 'dropped',
  },
];
