import { MapEntryError } from '../datapath-errors.js';
import { readHostU32, writeHostU32 } from './host-order.js';
import { maskBits } from './ip-bytes.js';
import { POLICY_PREFIX, type PolicyKey, type PolicyValue } from './map-types.js';
import { checkSize, checkUint, type StructCodec, type StructLayout } from './struct-codec.js';

/** struct nl_policy_key. */
export const POLICY_KEY_LAYOUT = {
  struct: 'nl_policy_key',
  size: 16,
  fields: {
    prefixlen: { offset: 0, size: 4 },
    egress: { offset: 4, size: 1 },
    pad1: { offset: 5, size: 3 },
    identity: { offset: 8, size: 4 },
    protocol: { offset: 12, size: 1 },
    pad2: { offset: 13, size: 1 },
    dport: { offset: 14, size: 2 },
  },
} as const satisfies StructLayout;

/** struct nl_policy_value. */
export const POLICY_VALUE_LAYOUT = {
  struct: 'nl_policy_value',
  size: 8,
  fields: {
    action: { offset: 0, size: 1 },
    flags: { offset: 1, size: 1 },
    pad: { offset: 2, size: 2 },
    rule_id: { offset: 4, size: 4 },
  },
} as const satisfies StructLayout;

/** NL_POLICY_ALLOW / NL_POLICY_DENY. */
export const POLICY_ACTION_CODE = { allow: 1, deny: 2 } as const;

const K = POLICY_KEY_LAYOUT.fields;
const V = POLICY_VALUE_LAYOUT.fields;

/** True for the prefix lengths maps.h gives a meaning to: 8, 64, and 80..96. */
export function isPolicyPrefixLength(n: number): boolean {
  return n === POLICY_PREFIX.direction || n === POLICY_PREFIX.identity || (Number.isInteger(n) && n >= POLICY_PREFIX.protocol && n <= POLICY_PREFIX.full);
}

/**
 * Policy keys over the LPM layout. Bits past the prefix are zeroed (a direction default has
 * identity, protocol and port 0; a port block keeps only its first k port bits), so one rule
 * has one encoding.
 */
export const policyKeyCodec: StructCodec<PolicyKey, keyof typeof K> = {
  layout: POLICY_KEY_LAYOUT,
  encode(key) {
    const s = POLICY_KEY_LAYOUT.struct;
    if (!isPolicyPrefixLength(key.prefixLength)) {
      throw new MapEntryError(s, 'prefixlen', `${String(key.prefixLength)} is not a policy prefix length (8, 64 or 80..96)`);
    }
    if (key.direction !== 'ingress' && key.direction !== 'egress') {
      throw new MapEntryError(s, 'egress', `${JSON.stringify(key.direction)} is neither ingress nor egress`);
    }
    const buf = Buffer.alloc(POLICY_KEY_LAYOUT.size);
    writeHostU32(buf, key.prefixLength, K.prefixlen.offset);
    buf[K.egress.offset] = key.direction === 'egress' ? 1 : 0;
    writeHostU32(buf, checkUint(s, 'identity', key.identity, 32), K.identity.offset);
    buf[K.protocol.offset] = checkUint(s, 'protocol', key.protocol, 8);
    buf.writeUInt16BE(checkUint(s, 'dport', key.port, 16), K.dport.offset);
    maskBits(buf, key.prefixLength, K.egress.offset);
    return buf;
  },
  decode(bytes) {
    checkSize(POLICY_KEY_LAYOUT, bytes);
    return {
      direction: bytes[K.egress.offset] === 1 ? 'egress' : 'ingress',
      identity: readHostU32(bytes, K.identity.offset),
      protocol: bytes[K.protocol.offset]!,
      port: bytes.readUInt16BE(K.dport.offset),
      prefixLength: readHostU32(bytes, K.prefixlen.offset),
    };
  },
};

export const policyValueCodec: StructCodec<PolicyValue, keyof typeof V> = {
  layout: POLICY_VALUE_LAYOUT,
  encode(value) {
    const s = POLICY_VALUE_LAYOUT.struct;
    const action = POLICY_ACTION_CODE[value.action] as number | undefined;
    if (action === undefined) throw new MapEntryError(s, 'action', `${JSON.stringify(value.action)} is neither allow nor deny`);
    const buf = Buffer.alloc(POLICY_VALUE_LAYOUT.size);
    buf[V.action.offset] = action;
    buf[V.flags.offset] = checkUint(s, 'flags', value.flags, 8);
    writeHostU32(buf, checkUint(s, 'rule_id', value.ruleId, 32), V.rule_id.offset);
    return buf;
  },
  decode(bytes) {
    checkSize(POLICY_VALUE_LAYOUT, bytes);
    const code = bytes[V.action.offset];
    if (code !== POLICY_ACTION_CODE.allow && code !== POLICY_ACTION_CODE.deny) {
      throw new MapEntryError(POLICY_VALUE_LAYOUT.struct, 'action', `${String(code)} is neither NL_POLICY_ALLOW (1) nor NL_POLICY_DENY (2)`);
    }
    return {
      action: code === POLICY_ACTION_CODE.allow ? 'allow' : 'deny',
      flags: bytes[V.flags.offset]!,
      ruleId: readHostU32(bytes, V.rule_id.offset),
    };
  },
};
