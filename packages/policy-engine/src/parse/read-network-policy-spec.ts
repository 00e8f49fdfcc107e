import type { Selector } from '../labels/label-selector.js';
import { readLabelSelector } from '../labels/parse-label-selector.js';
import type { FieldProblems } from '../model/field-problem.js';
import type { Direction, PeerMatch, PolicyRule, PolicySubject, PortMatch } from '../model/normalized-policy.js';
import { kubernetesPodsInNamespace, kubernetesPodsInNamespaces } from './endpoint-selectors.js';
import { checkFields, childPath, isAbsent, itemPath, readArray, readObject, readString } from './json-fields.js';
import { readKubernetesPort } from './read-ports.js';
import { readIpBlock } from './read-cidr-peer.js';

function readPeer(raw: unknown, path: string, namespace: string, problems: FieldProblems): PeerMatch | undefined {
  const peer = readObject(raw, path, problems);
  if (peer === undefined) {
    if (isAbsent(raw)) problems.add(path, 'must specify podSelector, namespaceSelector or ipBlock');
    return undefined;
  }
  checkFields(peer, path, { known: ['podSelector', 'namespaceSelector', 'ipBlock'] }, problems);
  const hasPods = !isAbsent(peer['podSelector']);
  const hasNamespaces = !isAbsent(peer['namespaceSelector']);
  const hasBlock = !isAbsent(peer['ipBlock']);
  if (!hasPods && !hasNamespaces && !hasBlock) {
    problems.add(path, 'must specify podSelector, namespaceSelector or ipBlock');
    return undefined;
  }
  if (hasBlock && (hasPods || hasNamespaces)) {
    problems.add(childPath(path, 'ipBlock'), 'cannot be combined with podSelector or namespaceSelector in one peer');
    return undefined;
  }
  if (hasBlock) return readIpBlock(peer['ipBlock'], childPath(path, 'ipBlock'), problems);
  const pods = readLabelSelector(peer['podSelector'], childPath(path, 'podSelector'), 'kubernetes', problems);
  const namespaces = readLabelSelector(peer['namespaceSelector'], childPath(path, 'namespaceSelector'), 'kubernetes', problems);
  if (hasNamespaces) {
    if (namespaces === undefined || (hasPods && pods === undefined)) return undefined;
    return { kind: 'selector', selector: kubernetesPodsInNamespaces(namespaces, pods) };
  }
  return pods === undefined ? undefined : { kind: 'selector', selector: kubernetesPodsInNamespace(pods, namespace) };
}

function readRule(raw: unknown, path: string, direction: Direction, index: number, namespace: string, problems: FieldProblems): PolicyRule | undefined {
  const rule = readObject(raw, path, problems);
  if (rule === undefined) {
    // `- {}` decodes to an object; a bare `-` is null, which Kubernetes reads as an empty rule too.
    return isAbsent(raw) ? { direction, effect: 'allow', index, source: path, peers: null, ports: null } : undefined;
  }
  const peersField = direction === 'ingress' ? 'from' : 'to';
  checkFields(rule, path, { known: [peersField, 'ports'] }, problems);
  const before = problems.size;

  const peersPath = childPath(path, peersField);
  const rawPeers = readArray(rule[peersField], peersPath, problems) ?? [];
  const peers: PeerMatch[] = [];
  rawPeers.forEach((p, i) => {
    const peer = readPeer(p, itemPath(peersPath, i), namespace, problems);
    if (peer !== undefined) peers.push(peer);
  });

  const portsPath = childPath(path, 'ports');
  const rawPorts = readArray(rule['ports'], portsPath, problems) ?? [];
  const ports: PortMatch[] = [];
  rawPorts.forEach((p, i) => {
    const port = readKubernetesPort(p, itemPath(portsPath, i), problems);
    if (port !== undefined) ports.push(port);
  });

  if (problems.size !== before) return undefined;
  // Kubernetes: an empty or missing list matches everything.
  return {
    direction,
    effect: 'allow',
    index,
    source: path,
    peers: rawPeers.length === 0 ? null : peers,
    ports: rawPorts.length === 0 ? null : ports,
  };
}

function readRules(raw: unknown, path: string, direction: Direction, namespace: string, problems: FieldProblems): PolicyRule[] {
  const out: PolicyRule[] = [];
  (readArray(raw, path, problems) ?? []).forEach((r, i) => {
    const rule = readRule(r, itemPath(path, i), direction, i, namespace, problems);
    if (rule !== undefined) out.push(rule);
  });
  return out;
}

/** Which directions the policy governs: `policyTypes`, or Kubernetes' default (Ingress, plus Egress when egress rules exist). */
function readPolicyTypes(raw: unknown, path: string, hasEgressRules: boolean, problems: FieldProblems): Set<Direction> {
  const list = readArray(raw, path, problems);
  if (list === undefined || list.length === 0) return new Set<Direction>(hasEgressRules ? ['ingress', 'egress'] : ['ingress']);
  const out = new Set<Direction>();
  list.forEach((t, i) => {
    const at = itemPath(path, i);
    const text = readString(t, at, problems);
    if (text === undefined) return;
    if (text !== 'Ingress' && text !== 'Egress') {
      problems.add(at, `unknown policy type ${JSON.stringify(text)} (expected Ingress or Egress)`);
      return;
    }
    const direction: Direction = text === 'Ingress' ? 'ingress' : 'egress';
    if (out.has(direction)) problems.add(at, `duplicate policy type ${text}`);
    out.add(direction);
  });
  return out;
}

/** Reads a `networking.k8s.io/v1` NetworkPolicy `spec` into its single subject. */
export function readNetworkPolicySpec(raw: unknown, namespace: string, problems: FieldProblems): PolicySubject | undefined {
  const spec = readObject(raw, 'spec', problems);
  if (spec === undefined) {
    if (isAbsent(raw)) problems.add('spec', 'is required');
    return undefined;
  }
  checkFields(spec, 'spec', { known: ['podSelector', 'policyTypes', 'ingress', 'egress'] }, problems);
  const before = problems.size;
  let podSelector: Selector | undefined;
  if (isAbsent(spec['podSelector'])) problems.add('spec.podSelector', 'is required (use {} to select every pod in the namespace)');
  else podSelector = readLabelSelector(spec['podSelector'], 'spec.podSelector', 'kubernetes', problems);

  const ingress = readRules(spec['ingress'], 'spec.ingress', 'ingress', namespace, problems);
  const egress = readRules(spec['egress'], 'spec.egress', 'egress', namespace, problems);
  const rawEgress = spec['egress'];
  const types = readPolicyTypes(spec['policyTypes'], 'spec.policyTypes', Array.isArray(rawEgress) && rawEgress.length > 0, problems);
  if (podSelector === undefined || problems.size !== before) return undefined;
  return {
    source: 'spec',
    selector: kubernetesPodsInNamespace(podSelector, namespace),
    ingress: types.has('ingress') ? { defaultDeny: true, rules: ingress } : null,
    egress: types.has('egress') ? { defaultDeny: true, rules: egress } : null,
  };
}
