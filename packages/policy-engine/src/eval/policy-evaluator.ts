import { InvalidQueryError } from '../errors.js';
import type { ClusterView, EndpointPeer, FlowQuery, IdentityPeer, Peer, ReachabilityMatrix, Verdict } from '../model/flow-query.js';
import type { L4Protocol, NormalizedPolicy } from '../model/normalized-policy.js';
import { compilePolicy } from './compile-policy.js';
import { decideFlow } from './decide-flow.js';
import { ClusterIndex, identityOfPeer, resolveIdentity } from './resolved-identity.js';
import { SubjectIndex } from './subject-index.js';

const PROTOCOLS: readonly L4Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** Answers flow questions against one fixed set of policies (compiled once). */
export interface PolicyEvaluator {
  /** Verdict for a flow between pods, addresses or reserved entities. */
  evaluate(query: FlowQuery<Peer>): Verdict;
  /** Verdict for a flow between identities given by security labels; same semantics as `evaluate`. */
  evaluateByLabels(query: FlowQuery<IdentityPeer>): Verdict;
  /** Verdicts for every ordered pair of `pods` (including a pod to itself) on one port. */
  reachabilityMatrix(pods: readonly EndpointPeer[], port: number, protocol: L4Protocol): ReachabilityMatrix;
}

function checkPort(port: number, protocol: L4Protocol): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidQueryError('port', `must be an integer between 1 and 65535, got ${port}`);
  if (!PROTOCOLS.includes(protocol)) throw new InvalidQueryError('protocol', `must be one of ${PROTOCOLS.join(', ')}, got ${JSON.stringify(protocol)}`);
}

class CompiledPolicySet implements PolicyEvaluator {
  readonly #subjects: SubjectIndex;
  readonly #cluster: ClusterIndex;

  constructor(policies: readonly NormalizedPolicy[], cluster: ClusterView | undefined) {
    this.#subjects = new SubjectIndex(policies.flatMap((p) => compilePolicy(p)));
    this.#cluster = new ClusterIndex(cluster);
  }

  evaluate(query: FlowQuery<Peer>): Verdict {
    return this.evaluateByLabels({
      ...query,
      src: identityOfPeer(query.src, this.#cluster, 'src'),
      dst: identityOfPeer(query.dst, this.#cluster, 'dst'),
    });
  }

  evaluateByLabels(query: FlowQuery<IdentityPeer>): Verdict {
    checkPort(query.port, query.protocol);
    const src = resolveIdentity(query.src, 'src');
    const dst = resolveIdentity(query.dst, 'dst');
    return decideFlow(
      this.#subjects.select(src.labels, 'egress'),
      this.#subjects.select(dst.labels, 'ingress'),
      src,
      dst,
      query.port,
      query.protocol,
    );
  }

  reachabilityMatrix(pods: readonly EndpointPeer[], port: number, protocol: L4Protocol): ReachabilityMatrix {
    checkPort(port, protocol);
    // Resolve and select once per pod; the n² loop then only runs the compiled rules.
    const resolved = pods.map((pod, i) => {
      const identity = resolveIdentity(identityOfPeer(pod, this.#cluster, `pods[${i}]`), `pods[${i}]`);
      return {
        key: `${pod.namespace}/${pod.name}`,
        identity,
        egress: this.#subjects.select(identity.labels, 'egress'),
        ingress: this.#subjects.select(identity.labels, 'ingress'),
      };
    });
    const matrix: Record<string, Record<string, 'ALLOWED' | 'DENIED'>> = {};
    for (const from of resolved) {
      const row: Record<string, 'ALLOWED' | 'DENIED'> = {};
      for (const to of resolved) {
        row[to.key] = decideFlow(from.egress, to.ingress, from.identity, to.identity, port, protocol).verdict;
      }
      matrix[from.key] = row;
    }
    return { port: `${port}/${protocol}`, matrix };
  }
}

/**
 * Compiles `policies` once for many queries. `cluster` says who owns which address, so `ip` peers
 * resolve to pods or nodes; addresses nobody owns are the world.
 */
export function createPolicyEvaluator(policies: readonly NormalizedPolicy[], options: { readonly cluster?: ClusterView } = {}): PolicyEvaluator {
  return new CompiledPolicySet(policies, options.cluster);
}

/**
 * Verdict for one flow. Each policy object is compiled once and reused across calls, but the list is
 * indexed (and the cluster view read) per call: use `createPolicyEvaluator` for many queries.
 */
export function evaluate(policies: readonly NormalizedPolicy[], query: FlowQuery<Peer>, cluster?: ClusterView): Verdict {
  return createPolicyEvaluator(policies, { cluster }).evaluate(query);
}

/** Verdict for one flow between identities given as security label sets. */
export function evaluateByLabels(policies: readonly NormalizedPolicy[], query: FlowQuery<IdentityPeer>): Verdict {
  return createPolicyEvaluator(policies).evaluateByLabels(query);
}

/** Verdicts for every ordered pair of `pods` on `port`/`protocol`, e.g. `{ port: '80/TCP', matrix: { 'x/a': { 'y/b': 'ALLOWED' } } }`. */
export function reachabilityMatrix(policies: readonly NormalizedPolicy[], pods: readonly EndpointPeer[], port: number, protocol: L4Protocol): ReachabilityMatrix {
  return createPolicyEvaluator(policies, { cluster: { endpoints: pods } }).reachabilityMatrix(pods, port, protocol);
}

/** The identity a peer stands for: a pod's security labels, a reserved entity, or an address's owner (else the world). */
export function peerIdentity(peer: Peer, cluster?: ClusterView): IdentityPeer {
  return identityOfPeer(peer, new ClusterIndex(cluster), 'peer');
}
