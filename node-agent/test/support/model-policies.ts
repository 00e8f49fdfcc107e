// Policies over the model cluster covering what the datapath has to express: default deny,
// namespace and pod selectors, port ranges, named ports both ways, ipBlock with except (CIDR
// identities), entities, deny rules, egress, and a cluster-wide policy.
import type { NormalizedPolicy } from '@netledger/policy-engine';
import { policyOf } from './cluster-events.js';

const np = (namespace: string, name: string, spec: unknown): NormalizedPolicy =>
  policyOf({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
const cnp = (namespace: string, name: string, spec: unknown): NormalizedPolicy =>
  policyOf({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace }, spec });
const ccnp = (name: string, spec: unknown): NormalizedPolicy =>
  policyOf({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name }, spec });

export const DENY_ALL_X = np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] });

export const ALLOW_X_A_FROM_Y = np('x', 'a-from-y', {
  podSelector: { matchLabels: { pod: 'a' } },
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }],
});

export const X_B_PORTS = np('x', 'b-ports', {
  podSelector: { matchLabels: { pod: 'b' } },
  ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 80, endPort: 90, protocol: 'TCP' }, { port: 'serve-81-udp', protocol: 'UDP' }] }],
});

export const Y_A_IPBLOCK = np('y', 'a-ipblock', {
  podSelector: { matchLabels: { pod: 'a' } },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
  egress: [
    { to: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ port: 443 }] },
    { to: [{ namespaceSelector: {} }], ports: [{ port: 'http' }] },
  ],
});

export const Z_C_ENTITIES = cnp('z', 'c-entities', {
  endpointSelector: { matchLabels: { pod: 'c' } },
  ingress: [{ fromEntities: ['world', 'cluster'], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }, { port: '81', protocol: 'ANY' }] }] }],
  ingressDeny: [{ fromEndpoints: [{ matchLabels: { pod: 'b' } }] }],
  egress: [{ toEntities: ['world'] }, { toEndpoints: [{}] }],
  egressDeny: [{ toCIDR: ['203.0.113.7/32'] }],
});

export const Z_A_NAMED_EGRESS = cnp('z', 'a-named-egress', {
  endpointSelector: { matchLabels: { pod: 'a' } },
  egress: [{ toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'x' } }, { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'y' } }], toPorts: [{ ports: [{ port: 'http' }] }] }],
});

export const Y_C_ANY_PEER_NAMED = cnp('y', 'c-any-peer-named', {
  endpointSelector: { matchLabels: { pod: 'c' } },
  egress: [{ toPorts: [{ ports: [{ port: 'serve-80-tcp', protocol: 'TCP' }, { port: '1000', endPort: 1999, protocol: 'UDP' }] }] }],
});

export const CLUSTER_B_NO_SSH_FROM_WORLD = ccnp('b-no-ssh-from-world', {
  endpointSelector: { matchLabels: { pod: 'b' } },
  ingressDeny: [{ fromEntities: ['world'], toPorts: [{ ports: [{ port: '22', protocol: 'TCP' }] }] }],
  ingress: [{ fromEntities: ['all'] }],
});

export const Z_B_EGRESS_LOCKDOWN = np('z', 'b-egress-lockdown', {
  podSelector: { matchLabels: { pod: 'b' } },
  policyTypes: ['Egress'],
  egress: [{ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }, { podSelector: { matchLabels: { pod: 'a' } } }], ports: [{ port: 81, protocol: 'TCP' }, { port: 82, endPort: 85, protocol: 'SCTP' }] }],
});

export const X_C_DENY_RANGE = cnp('x', 'c-deny-range', {
  endpointSelector: { matchLabels: { pod: 'c' } },
  enableDefaultDeny: { ingress: false },
  ingressDeny: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'y' } }], toPorts: [{ ports: [{ port: '80', endPort: 81, protocol: 'TCP' }] }] }],
  ingress: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'y', pod: 'a' } }], toPorts: [{ ports: [{ port: '81', protocol: 'TCP' }] }] }],
});

export const MODEL_POLICIES: readonly NormalizedPolicy[] = [
  DENY_ALL_X,
  ALLOW_X_A_FROM_Y,
  X_B_PORTS,
  Y_A_IPBLOCK,
  Z_C_ENTITIES,
  Z_A_NAMED_EGRESS,
  Y_C_ANY_PEER_NAMED,
  CLUSTER_B_NO_SSH_FROM_WORLD,
  Z_B_EGRESS_LOCKDOWN,
  X_C_DENY_RANGE,
];
