// The key correctness test: for every pair of peers, the datapath lookup over the desired maps
// (as maps.h describes it) gives the verdict the policy engine (what `netledger policy trace`
// runs) gives, on every port and protocol tried.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPolicyEvaluator, type NormalizedPolicy, type Peer } from '@netledger/policy-engine';
import { NodeDesiredState } from '../src/desired/node-desired-state.js';
import { ClusterEvents } from './support/cluster-events.js';
import { DatapathEmulator, type L4 } from './support/datapath-emulator.js';
import { enginePod, MODEL_PODS, modelIdentityEvents, NODES, WORLD_IPS, type ModelPod } from './support/model-cluster.js';
import { MODEL_POLICIES } from './support/model-policies.js';
import { SeededRandom } from './support/seeded-random.js';

const PORTS = [22, 80, 81, 82, 85, 90, 91, 443, 1500, 8080, 9090];
const PROTOCOLS: readonly L4[] = ['TCP', 'UDP', 'SCTP'];

type Side = { readonly kind: 'pod'; readonly pod: ModelPod } | { readonly kind: 'world'; readonly ip: string };

function buildStates(policies: readonly NormalizedPolicy[]): Map<string, NodeDesiredState> {
  const ev = new ClusterEvents();
  const events = [...modelIdentityEvents(ev), ...policies.map((p) => ev.policyAccepted(p))];
  const states = new Map(NODES.map((n) => [n, new NodeDesiredState({ nodeName: n })]));
  for (const s of states.values()) for (const e of events) s.apply(e);
  return states;
}

type Nodes = Map<string, DatapathEmulator>;

/** What the datapath of the nodes involved decides: the source's egress on its node, the destination's ingress on its node. */
function datapathVerdict(nodes: Nodes, src: Side, dst: Side, port: number, protocol: L4): 'ALLOWED' | 'DENIED' {
  // Same address family on both sides, as a real flow has.
  const v6 = (src.kind === 'world' && src.ip.includes(':')) || (dst.kind === 'world' && dst.ip.includes(':'));
  const addr = (s: Side): string => (s.kind === 'world' ? s.ip : s.pod.ips.find((ip) => ip.includes(':') === v6)!);
  if (src.kind === 'pod') {
    const node = nodes.get(src.pod.node)!;
    const peer = node.identityOf(addr(dst));
    if (peer === undefined || node.side(addr(src), 'egress', peer, protocol, port) === 'deny') return 'DENIED';
  }
  if (dst.kind === 'pod') {
    const node = nodes.get(dst.pod.node)!;
    const peer = node.identityOf(addr(src));
    if (peer === undefined || node.side(addr(dst), 'ingress', peer, protocol, port) === 'deny') return 'DENIED';
  }
  return 'ALLOWED';
}

function enginePeer(s: Side): Peer {
  return s.kind === 'pod' ? enginePod(s.pod) : { kind: 'ip', ip: s.ip };
}

function label(s: Side): string {
  return s.kind === 'pod' ? s.pod.key : s.ip;
}

/** Compares every flow; exported shape used by the incremental test too. */
export function compareAll(policies: readonly NormalizedPolicy[], states: Map<string, NodeDesiredState>): { checked: number; denied: number; wrong: string[] } {
  const nodes: Nodes = new Map([...states].map(([n, s]) => [n, new DatapathEmulator(s)]));
  const evaluator = createPolicyEvaluator(policies, { cluster: { endpoints: MODEL_PODS.map(enginePod) } });
  const pods: Side[] = MODEL_PODS.map((pod) => ({ kind: 'pod', pod }));
  const world: Side[] = WORLD_IPS.map((ip) => ({ kind: 'world', ip }));
  const pairs: Array<[Side, Side]> = [];
  for (const a of pods) for (const b of [...pods, ...world]) pairs.push([a, b]);
  for (const a of world) for (const b of pods) pairs.push([a, b]);
  const wrong: string[] = [];
  let checked = 0;
  let denied = 0;
  for (const [src, dst] of pairs) {
    for (const port of PORTS) {
      for (const protocol of PROTOCOLS) {
        const want = evaluator.evaluate({ src: enginePeer(src), dst: enginePeer(dst), port, protocol }).verdict;
        const got = datapathVerdict(nodes, src, dst, port, protocol);
        checked++;
        if (want === 'DENIED') denied++;
        if (want !== got) wrong.push(`${label(src)} -> ${label(dst)} ${port}/${protocol}: engine ${want}, maps ${got}`);
      }
    }
  }
  return { checked, denied, wrong };
}

describe('desired policy maps agree with the policy engine', () => {
  it('for every pod and world address pair, port and protocol, under all the model policies', () => {
    const states = buildStates(MODEL_POLICIES);
    const { checked, denied, wrong } = compareAll(MODEL_POLICIES, states);
    assert.ok(checked > 5000);
    // Both verdicts are common, so agreement is not trivially "everything allowed".
    assert.ok(denied > checked / 5 && denied < (checked * 4) / 5, `${denied} of ${checked} denied`);
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} of ${checked} flows differ`);
  });

  it('for each model policy on its own', () => {
    for (const policy of MODEL_POLICIES) {
      const { wrong } = compareAll([policy], buildStates([policy]));
      assert.deepEqual(wrong.slice(0, 10), [], `${policy.kind} ${policy.ref}: ${wrong.length} flows differ`);
    }
  });

  it('for random subsets of the model policies', () => {
    const rnd = new SeededRandom(7);
    for (let round = 0; round < 6; round++) {
      const subset = MODEL_POLICIES.filter(() => rnd.chance(0.5));
      const { wrong } = compareAll(subset, buildStates(subset));
      assert.deepEqual(wrong.slice(0, 10), [], `round ${round} (${subset.map((p) => p.ref).join(', ')}): ${wrong.length} flows differ`);
    }
  });
});
