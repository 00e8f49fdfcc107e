import { POLICY_FLAGS, POLICY_PREFIX, type PolicyKey, type PolicyValue } from '../layout/map-types.js';
import type { MapEntry } from '../map-port.js';
import { policyKeyPortRange } from '../policy/port-range-to-prefixes.js';
import { formatColumns, protocolName } from './format-columns.js';

/** One policy map entry as `bpf policy get -o json` prints it. */
export interface PolicyListRow {
  readonly action: 'allow' | 'deny';
  readonly direction: 'ingress' | 'egress';
  /** 0 = any identity. */
  readonly identity: number;
  /** Undefined below prefix 80 (any protocol). */
  readonly protocol: string | undefined;
  /** Undefined below prefix 80 (any port). */
  readonly ports: { readonly from: number; readonly to: number } | undefined;
  readonly prefixLength: number;
  /** The direction default entry (prefix 8). */
  readonly default: boolean;
  readonly ruleId: number;
}

/** Rows by direction (ingress first), defaults first, then identity, protocol and ports. */
export function policyListRows(entries: readonly MapEntry<PolicyKey, PolicyValue>[]): PolicyListRow[] {
  const dir = (k: PolicyKey): number => (k.direction === 'ingress' ? 0 : 1);
  const notDefault = (k: PolicyKey): number => (k.prefixLength === POLICY_PREFIX.direction ? 0 : 1);
  return [...entries]
    .sort(
      (a, b) =>
        dir(a.key) - dir(b.key) ||
        notDefault(a.key) - notDefault(b.key) ||
        a.key.identity - b.key.identity ||
        a.key.protocol - b.key.protocol ||
        a.key.port - b.key.port ||
        a.key.prefixLength - b.key.prefixLength,
    )
    .map(({ key, value }) => {
      const anyProtocol = key.prefixLength < POLICY_PREFIX.protocol;
      return {
        action: value.action,
        direction: key.direction,
        identity: key.identity,
        protocol: anyProtocol ? undefined : protocolName(key.protocol),
        ports: policyKeyPortRange(key),
        prefixLength: key.prefixLength,
        default: (value.flags & POLICY_FLAGS.default) !== 0,
        ruleId: value.ruleId,
      };
    });
}

/** `ACTION  DIRECTION  IDENTITY  PORT/PROTO  RULE`, like `cilium bpf policy get`. */
export function formatPolicyList(entries: readonly MapEntry<PolicyKey, PolicyValue>[]): string {
  return formatColumns(
    ['ACTION', 'DIRECTION', 'IDENTITY', 'PORT/PROTO', 'RULE'],
    policyListRows(entries).map((r) => [
      capitalize(r.action),
      capitalize(r.direction),
      r.identity === 0 ? 'ANY' : String(r.identity),
      portProto(r),
      r.default ? 'default' : `0x${r.ruleId.toString(16).padStart(8, '0')}`,
    ]),
  );
}

function portProto(r: PolicyListRow): string {
  if (r.protocol === undefined) return 'ANY';
  if (!r.ports || (r.ports.from === 0 && r.ports.to === 65535)) return `ANY/${r.protocol}`;
  const ports = r.ports.from === r.ports.to ? String(r.ports.from) : `${r.ports.from}-${r.ports.to}`;
  return `${ports}/${r.protocol}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
