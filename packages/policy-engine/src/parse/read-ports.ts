import { portNameProblem } from '../labels/label-syntax.js';
import type { FieldProblems } from '../model/field-problem.js';
import type { PortMatch, RuleProtocol } from '../model/normalized-policy.js';
import { checkFields, childPath, describe, isAbsent, itemPath, readArray, readObject, readString, type JsonObject } from './json-fields.js';

const KUBERNETES_PROTOCOLS: readonly RuleProtocol[] = ['TCP', 'UDP', 'SCTP'];
const CILIUM_PROTOCOLS: readonly RuleProtocol[] = ['TCP', 'UDP', 'SCTP', 'ANY'];
const CILIUM_UNSUPPORTED_PROTOCOLS = ['ICMP', 'ICMPV6', 'VRRP', 'IGMP'];

function readProtocol(raw: unknown, path: string, allowed: readonly RuleProtocol[], fallback: RuleProtocol, problems: FieldProblems): RuleProtocol | undefined {
  const text = readString(raw, path, problems);
  if (text === undefined) return isAbsent(raw) ? fallback : undefined;
  if ((allowed as readonly string[]).includes(text)) return text as RuleProtocol;
  if (CILIUM_UNSUPPORTED_PROTOCOLS.includes(text.toUpperCase())) {
    problems.add(path, `protocol ${text} is not supported (L3/L4 policies cover ${allowed.join(', ')})`);
  } else {
    problems.add(path, `unknown protocol ${JSON.stringify(text)} (expected one of ${allowed.join(', ')})`);
  }
  return undefined;
}

function readPortNumber(raw: unknown, path: string, problems: FieldProblems): number | undefined {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > 65535) {
    problems.add(path, `must be a port number between 1 and 65535, got ${describe(raw)}`);
    return undefined;
  }
  return raw;
}

type PortValue = { readonly kind: 'number'; readonly port: number } | { readonly kind: 'name'; readonly name: string };

/** Kubernetes IntOrString: a number is a port, a string is a port name. */
function readKubernetesPortValue(raw: unknown, path: string, problems: FieldProblems): PortValue | undefined {
  if (typeof raw === 'string') {
    const problem = portNameProblem(raw);
    if (problem !== null) {
      problems.add(path, /^[0-9]+$/.test(raw) ? `${problem}; write a port number without quotes` : problem);
      return undefined;
    }
    return { kind: 'name', name: raw };
  }
  const port = readPortNumber(raw, path, problems);
  return port === undefined ? undefined : { kind: 'number', port };
}

/** Cilium writes ports as strings; digits are a number, anything else a port name. */
function readCiliumPortValue(raw: unknown, path: string, problems: FieldProblems): PortValue | undefined {
  if (typeof raw === 'string' && /^[0-9]+$/.test(raw)) return readCiliumPortValue(Number(raw), path, problems);
  return readKubernetesPortValue(raw, path, problems);
}

function buildPortMatch(
  obj: JsonObject,
  path: string,
  protocol: RuleProtocol | undefined,
  value: PortValue | undefined,
  problems: FieldProblems,
): PortMatch | undefined {
  const endPath = childPath(path, 'endPort');
  let endPort: number | undefined;
  if (!isAbsent(obj['endPort'])) {
    endPort = readPortNumber(obj['endPort'], endPath, problems);
    if (isAbsent(obj['port'])) {
      problems.add(endPath, 'requires port to be set');
      return undefined;
    }
    if (value?.kind === 'name') {
      problems.add(endPath, `cannot be used with the named port ${JSON.stringify(value.name)}`);
      return undefined;
    }
    if (endPort !== undefined && value !== undefined && endPort < value.port) {
      problems.add(endPath, `must be greater than or equal to port (${value.port}), got ${endPort}`);
      return undefined;
    }
  }
  if (protocol === undefined) return undefined;
  if (isAbsent(obj['port'])) return { kind: 'all', protocol };
  if (value === undefined) return undefined;
  if (value.kind === 'name') return { kind: 'named', protocol, name: value.name };
  if (!isAbsent(obj['endPort']) && endPort === undefined) return undefined;
  return { kind: 'range', protocol, port: value.port, endPort: endPort ?? value.port };
}

/** A NetworkPolicyPort: protocol defaults to TCP; no port means every port of the protocol. */
export function readKubernetesPort(raw: unknown, path: string, problems: FieldProblems): PortMatch | undefined {
  const obj = readObject(raw, path, problems);
  if (obj === undefined) return isAbsent(raw) ? { kind: 'all', protocol: 'TCP' } : undefined;
  checkFields(obj, path, { known: ['protocol', 'port', 'endPort'] }, problems);
  const protocol = readProtocol(obj['protocol'], childPath(path, 'protocol'), KUBERNETES_PROTOCOLS, 'TCP', problems);
  const value = isAbsent(obj['port']) ? undefined : readKubernetesPortValue(obj['port'], childPath(path, 'port'), problems);
  return buildPortMatch(obj, path, protocol, value, problems);
}

const L7_UNSUPPORTED = 'L7 rules are not supported (this engine enforces L3/L4 only)';
const TLS_UNSUPPORTED = 'TLS interception is not supported (this engine enforces L3/L4 only)';

/**
 * A Cilium `toPorts` entry. Protocol defaults to ANY; an entry without ports covers every port.
 * In deny rules Cilium has no L7 fields at all, so they are unknown there rather than unsupported.
 */
export function readCiliumPortRule(raw: unknown, path: string, inDenyRule: boolean, problems: FieldProblems): PortMatch[] {
  const obj = readObject(raw, path, problems);
  if (obj === undefined) {
    if (isAbsent(raw)) problems.add(path, 'must be an object with ports');
    return [];
  }
  checkFields(obj, path, {
    known: ['ports'],
    unsupported: inDenyRule
      ? {}
      : { rules: L7_UNSUPPORTED, listener: L7_UNSUPPORTED, terminatingTLS: TLS_UNSUPPORTED, originatingTLS: TLS_UNSUPPORTED, serverNames: TLS_UNSUPPORTED },
  }, problems);
  const portsPath = childPath(path, 'ports');
  const ports = readArray(obj['ports'], portsPath, problems);
  if (ports === undefined || ports.length === 0) return [{ kind: 'all', protocol: 'ANY' }];
  const out: PortMatch[] = [];
  ports.forEach((p, i) => {
    const itemAt = itemPath(portsPath, i);
    const entry = readObject(p, itemAt, problems);
    if (entry === undefined) {
      if (isAbsent(p)) problems.add(itemAt, 'must be an object with port and protocol');
      return;
    }
    checkFields(entry, itemAt, { known: ['port', 'endPort', 'protocol'] }, problems);
    const protocol = readProtocol(entry['protocol'], childPath(itemAt, 'protocol'), CILIUM_PROTOCOLS, 'ANY', problems);
    const value = isAbsent(entry['port']) ? undefined : readCiliumPortValue(entry['port'], childPath(itemAt, 'port'), problems);
    const match = buildPortMatch(entry, itemAt, protocol, value, problems);
    if (match !== undefined) out.push(match);
  });
  return out;
}
