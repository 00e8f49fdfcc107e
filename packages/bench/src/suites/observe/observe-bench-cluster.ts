import { IP_PROTOCOL, POLICY_PREFIX, policyRuleId, type DatapathMaps } from '@netledger/datapath';
import { FlowContext } from '@netledger/node-agent';
import { parsePolicy } from '@netledger/policy-engine';
import { BenchEvents } from '../bench-events.js';
import { BENCH_IDENTITY, CLUSTER_IP_PORT, MEASURED_SERVICE_IP } from '../datapath/bench-datapath-state.js';
import type { BenchNetwork, BenchPod } from '../datapath/bench-network.js';
import { ObserveBenchError } from './observe-bench-error.js';

/** The namespace the bench's pods, service and policy are in (what the enriched flows name). */
export const OBSERVE_BENCH_NAMESPACE = 'observe-bench';
const NODE = 'observe-bench';
const SERVICE_NAME = 'echo';
const POLICY_NAME = 'client';

/** Pod names the enriched flows carry, by role. */
export const OBSERVE_BENCH_PODS = { client: 'client-0', server: 'echo-0' } as const;

/** A flow context that knows the bench's two pods, and the rule the datapath must name. */
export interface ObserveBenchCluster {
  readonly context: FlowContext;
  /** `NetworkPolicy/observe-bench/client`. */
  readonly policyRef: string;
  /** rule_id of the client's egress allow, as the agent computes it for that policy. */
  readonly allowRuleId: number;
}

type IdentityScope = 'reserved' | 'cluster' | 'cidr';

/**
 * Feeds a FlowContext what an agent's streams would say about the datapath bench's pods: their
 * identities and labels, both endpoints, the ClusterIP `echo` and a NetworkPolicy letting the
 * client reach the echo pods on TCP 8080, so every flow is enriched fully (pods, labels,
 * service, deciding rule), as in a cluster. The identities are the ones the datapath bench
 * writes into the maps.
 */
export function observeBenchCluster(net: BenchNetwork, targetPort: number): ObserveBenchCluster {
  const events = new BenchEvents();
  const envelope = events.envelope.bind(events);
  const identities = new Map<number, { readonly id: number; readonly scope: IdentityScope; readonly labels: readonly string[] }>();
  const context = new FlowContext(identities);
  const identity = (id: number, scope: IdentityScope, labels: readonly string[]): void => {
    // The agent's cluster view holds identities; the context reads them from there.
    identities.set(id, { id, scope, labels });
    context.apply(envelope('identity', `identity/${id}`, 'IdentityAllocated', { id, scope, labels: [...labels] }));
  };
  for (const [id, name] of [[1, 'host'], [2, 'world']] as const) identity(id, 'reserved', [`reserved:${name}`]);

  const pods: ReadonlyArray<{ readonly pod: BenchPod; readonly name: string; readonly app: string; readonly identity: number }> = [
    { pod: net.client, name: OBSERVE_BENCH_PODS.client, app: 'client', identity: BENCH_IDENTITY.client },
    { pod: net.server, name: OBSERVE_BENCH_PODS.server, app: 'echo', identity: BENCH_IDENTITY.server },
  ];
  for (const p of pods) {
    identity(p.identity, 'cluster', podIdentityLabels(p.app));
    context.apply(
      envelope('identity', `endpoint/${OBSERVE_BENCH_NAMESPACE}/${p.name}`, 'EndpointUpserted', {
        namespace: OBSERVE_BENCH_NAMESPACE,
        pod: p.name,
        uid: `uid-${p.name}`,
        node: NODE,
        ips: [p.pod.ip],
        identity: p.identity,
        labels: { app: p.app },
        namedPorts: [],
      }),
    );
  }
  context.apply(
    envelope('lb', `service/${OBSERVE_BENCH_NAMESPACE}/${SERVICE_NAME}`, 'ServiceUpserted', {
      serviceId: 1,
      namespace: OBSERVE_BENCH_NAMESPACE,
      name: SERVICE_NAME,
      frontends: [{ id: 1, type: 'ClusterIP', ip: MEASURED_SERVICE_IP, port: CLUSTER_IP_PORT, protocol: 'TCP', portName: 'http' }],
      sessionAffinity: 'None',
      affinityTimeoutSeconds: 0,
      externalTrafficLocal: false,
      internalTrafficLocal: false,
    }),
  );

  const parsed = parsePolicy({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace: OBSERVE_BENCH_NAMESPACE, name: POLICY_NAME },
    spec: {
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'echo' } } }], ports: [{ protocol: 'TCP', port: targetPort }] }],
    },
  });
  if (!parsed.ok) throw new ObserveBenchError(`policy ${OBSERVE_BENCH_NAMESPACE}/${POLICY_NAME}`, `rejected: ${parsed.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  const rule = parsed.policy.subjects[0]?.egress?.rules[0];
  if (rule === undefined) throw new ObserveBenchError(`policy ${OBSERVE_BENCH_NAMESPACE}/${POLICY_NAME}`, 'parsed without an egress rule');
  context.apply(
    envelope('policy', `policy/${OBSERVE_BENCH_NAMESPACE}/${POLICY_NAME}`, 'PolicyAccepted', {
      kind: 'NetworkPolicy',
      namespace: OBSERVE_BENCH_NAMESPACE,
      name: POLICY_NAME,
      uid: `uid-policy-${POLICY_NAME}`,
      resourceVersion: '1',
      revision: 1,
      rules: parsed.policy.subjects,
    }),
  );
  return {
    context,
    policyRef: `NetworkPolicy/${OBSERVE_BENCH_NAMESPACE}/${POLICY_NAME}`,
    allowRuleId: policyRuleId(`${OBSERVE_BENCH_NAMESPACE}/${POLICY_NAME}`, rule.source),
  };
}

/**
 * Gives the client's egress allow (written by the datapath bench's writeBenchPods) the rule id
 * of the bench's NetworkPolicy, so the datapath's records name a rule the context knows, as an
 * agent's maps would.
 */
export function nameAllowRule(maps: DatapathMaps, client: BenchPod, targetPort: number, ruleId: number): void {
  const endpoint = maps.endpoints.lookup({ ip: client.ip });
  if (endpoint === undefined) throw new ObserveBenchError(`endpoint ${client.ip}`, `not in ${maps.location}'s endpoints map`);
  const key = { direction: 'egress', identity: BENCH_IDENTITY.server, protocol: IP_PROTOCOL.TCP, port: targetPort, prefixLength: POLICY_PREFIX.full } as const;
  const policy = maps.policy(endpoint.endpointId);
  if (policy.lookup(key)?.action !== 'allow') throw new ObserveBenchError(`policy map of endpoint ${endpoint.endpointId}`, `no egress allow of identity ${BENCH_IDENTITY.server} on TCP ${targetPort}`);
  policy.update([{ key, value: { action: 'allow', flags: 0, ruleId } }]);
}

// The identity labels the identity service gives a pod (`k8s:` source, sorted).
function podIdentityLabels(app: string): string[] {
  return [
    `k8s:app=${app}`,
    `k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${OBSERVE_BENCH_NAMESPACE}`,
    'k8s:io.cilium.k8s.policy.serviceaccount=default',
    `k8s:io.kubernetes.pod.namespace=${OBSERVE_BENCH_NAMESPACE}`,
  ].sort();
}
