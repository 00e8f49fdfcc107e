import { namespaceNameProblem, objectNameProblem } from '../labels/label-syntax.js';
import { FieldProblems } from '../model/field-problem.js';
import type { NormalizedPolicy, PolicyKind, PolicySubject } from '../model/normalized-policy.js';
import { checkFields, isAbsent, isJsonObject, itemPath, readArray, readObject, readString } from './json-fields.js';
import { readCiliumRule } from './read-cilium-rule.js';
import { readNetworkPolicySpec } from './read-network-policy-spec.js';

/** One reason a policy was rejected: which object, which field, what is wrong. */
export interface PolicyError {
  /** e.g. `NetworkPolicy x/deny-all` or `CiliumClusterwideNetworkPolicy lockdown`. */
  readonly object: string;
  /** e.g. `spec.ingress[0].from[1].ipBlock.cidr`. */
  readonly field: string;
  readonly message: string;
}

/** A rejected policy is an expected outcome, so it is a value, not an exception. */
export type ParseResult =
  | { readonly ok: true; readonly policy: NormalizedPolicy }
  | { readonly ok: false; readonly errors: readonly PolicyError[] };

export interface ParsePolicyOptions {
  /** Namespace for namespaced objects that carry none, as kubectl would apply them. Default `default`. */
  readonly defaultNamespace?: string;
}

const API_VERSIONS: Record<PolicyKind, string> = {
  NetworkPolicy: 'networking.k8s.io/v1',
  CiliumNetworkPolicy: 'cilium.io/v2',
  CiliumClusterwideNetworkPolicy: 'cilium.io/v2',
};

function isPolicyKind(kind: unknown): kind is PolicyKind {
  return typeof kind === 'string' && Object.hasOwn(API_VERSIONS, kind);
}

function rejected(object: string, problems: FieldProblems): ParseResult {
  return { ok: false, errors: problems.list.map((p) => ({ object, field: p.field, message: p.message })) };
}

function readCiliumSubjects(obj: Record<string, unknown>, namespace: string | null, problems: FieldProblems): PolicySubject[] {
  const subjects: PolicySubject[] = [];
  if (!isAbsent(obj['spec'])) {
    const subject = readCiliumRule(obj['spec'], 'spec', namespace, problems);
    if (subject !== undefined) subjects.push(subject);
  }
  const specs = readArray(obj['specs'], 'specs', problems) ?? [];
  specs.forEach((s, i) => {
    const subject = readCiliumRule(s, itemPath('specs', i), namespace, problems);
    if (subject !== undefined) subjects.push(subject);
  });
  if (isAbsent(obj['spec']) && specs.length === 0 && !Array.isArray(obj['specs'])) problems.add('spec', 'is required (or specs)');
  if (isAbsent(obj['spec']) && Array.isArray(obj['specs']) && specs.length === 0) problems.add('specs', 'must contain at least one rule');
  return subjects;
}

/**
 * Validates a NetworkPolicy, CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy object (as decoded
 * from YAML or JSON) and normalizes it. Every problem is reported, each naming the object and the field.
 */
export function parsePolicy(obj: unknown, options: ParsePolicyOptions = {}): ParseResult {
  const problems = new FieldProblems();
  if (!isJsonObject(obj)) {
    problems.add('', 'a policy must be an object');
    return rejected('<unknown object>', problems);
  }
  const rawKind = obj['kind'];
  if (!isPolicyKind(rawKind)) {
    const shown = typeof rawKind === 'string' ? rawKind : '<missing kind>';
    problems.add('kind', `unsupported kind ${JSON.stringify(rawKind ?? null)} (expected ${Object.keys(API_VERSIONS).join(', ')})`);
    return rejected(shown, problems);
  }
  const kind = rawKind;
  const clusterwide = kind === 'CiliumClusterwideNetworkPolicy';

  const metadata = readObject(obj['metadata'], 'metadata', problems) ?? {};
  const name = readString(metadata['name'], 'metadata.name', problems);
  if (name === undefined) {
    if (isAbsent(metadata['name'])) problems.add('metadata.name', 'is required');
  } else {
    const problem = objectNameProblem(name);
    if (problem !== null) problems.add('metadata.name', problem);
  }
  let namespace: string | null = null;
  if (!clusterwide) {
    namespace = readString(metadata['namespace'], 'metadata.namespace', problems) ?? options.defaultNamespace ?? 'default';
    const problem = namespaceNameProblem(namespace);
    if (problem !== null) problems.add('metadata.namespace', problem);
  }
  const ref = namespace === null ? (name ?? '<unnamed>') : `${namespace}/${name ?? '<unnamed>'}`;
  const object = `${kind} ${ref}`;

  if (obj['apiVersion'] !== API_VERSIONS[kind]) {
    problems.add('apiVersion', `must be ${API_VERSIONS[kind]} for ${kind}, got ${JSON.stringify(obj['apiVersion'] ?? null)}`);
  }
  const known = kind === 'NetworkPolicy' ? ['apiVersion', 'kind', 'metadata', 'spec', 'status'] : ['apiVersion', 'kind', 'metadata', 'spec', 'specs', 'status'];
  checkFields(obj, '', { known }, problems);

  let subjects: PolicySubject[];
  if (kind === 'NetworkPolicy') {
    const subject = readNetworkPolicySpec(obj['spec'], namespace ?? 'default', problems);
    subjects = subject === undefined ? [] : [subject];
  } else {
    subjects = readCiliumSubjects(obj, namespace, problems);
  }
  if (problems.size > 0 || name === undefined) return rejected(object, problems);
  return { ok: true, policy: { kind, namespace, name, ref, subjects } };
}
