import { MapEntryError } from '../datapath-errors.js';
import { readHostU16, readHostU32, writeHostU16, writeHostU32 } from './host-order.js';
import { formatIp, writeIpv4 } from './ip-bytes.js';
import type { Ct4Entry, Ct4Key, CtScope } from './map-types.js';
import { checkSize, checkUint, type StructCodec, type StructLayout } from './struct-codec.js';

/** struct nl_ct4_key. */
export const CT4_KEY_LAYOUT = {
  struct: 'nl_ct4_key',
  size: 16,
  fields: {
    saddr: { offset: 0, size: 4 },
    daddr: { offset: 4, size: 4 },
    sport: { offset: 8, size: 2 },
    dport: { offset: 10, size: 2 },
    proto: { offset: 12, size: 1 },
    scope: { offset: 13, size: 1 },
    pad: { offset: 14, size: 2 },
  },
} as const satisfies StructLayout;

/** struct nl_ct4_entry. */
export const CT4_ENTRY_LAYOUT = {
  struct: 'nl_ct4_entry',
  size: 32,
  fields: {
    expires: { offset: 0, size: 4 },
    created: { offset: 4, size: 4 },
    backend_id: { offset: 8, size: 4 },
    rule_id: { offset: 12, size: 4 },
    peer_identity: { offset: 16, size: 4 },
    nat_address: { offset: 20, size: 4 },
    nat_port: { offset: 24, size: 2 },
    rev_nat_index: { offset: 26, size: 2 },
    flags: { offset: 28, size: 1 },
    pad: { offset: 29, size: 3 },
  },
} as const satisfies StructLayout;

/** NL_CT_* by scope name. */
export const CT_SCOPE_CODE: Readonly<Record<CtScope, number>> = { egress: 0, ingress: 1, service: 2 };
const SCOPE_BY_CODE: readonly CtScope[] = ['egress', 'ingress', 'service'];

const K = CT4_KEY_LAYOUT.fields;
const V = CT4_ENTRY_LAYOUT.fields;

export const ct4KeyCodec: StructCodec<Ct4Key, keyof typeof K> = {
  layout: CT4_KEY_LAYOUT,
  encode(key) {
    const s = CT4_KEY_LAYOUT.struct;
    const scope = CT_SCOPE_CODE[key.scope] as number | undefined;
    if (scope === undefined) throw new MapEntryError(s, 'scope', `${JSON.stringify(key.scope)} is not a conntrack scope`);
    const buf = Buffer.alloc(CT4_KEY_LAYOUT.size);
    writeIpv4(key.saddr, buf, K.saddr.offset, s, 'saddr');
    writeIpv4(key.daddr, buf, K.daddr.offset, s, 'daddr');
    buf.writeUInt16BE(checkUint(s, 'sport', key.sport, 16), K.sport.offset);
    buf.writeUInt16BE(checkUint(s, 'dport', key.dport, 16), K.dport.offset);
    buf[K.proto.offset] = checkUint(s, 'proto', key.protocol, 8);
    buf[K.scope.offset] = scope;
    return buf;
  },
  decode(bytes) {
    checkSize(CT4_KEY_LAYOUT, bytes);
    const code = bytes[K.scope.offset]!;
    const scope = SCOPE_BY_CODE[code];
    if (scope === undefined) throw new MapEntryError(CT4_KEY_LAYOUT.struct, 'scope', `${code} is not an NL_CT_* scope`);
    return {
      saddr: formatIp(4, bytes.subarray(K.saddr.offset)),
      daddr: formatIp(4, bytes.subarray(K.daddr.offset)),
      sport: bytes.readUInt16BE(K.sport.offset),
      dport: bytes.readUInt16BE(K.dport.offset),
      protocol: bytes[K.proto.offset]!,
      scope,
    };
  },
};

export const ct4EntryCodec: StructCodec<Ct4Entry, keyof typeof V> = {
  layout: CT4_ENTRY_LAYOUT,
  encode(e) {
    const s = CT4_ENTRY_LAYOUT.struct;
    const buf = Buffer.alloc(CT4_ENTRY_LAYOUT.size);
    writeHostU32(buf, checkUint(s, 'expires', e.expires, 32), V.expires.offset);
    writeHostU32(buf, checkUint(s, 'created', e.created, 32), V.created.offset);
    writeHostU32(buf, checkUint(s, 'backend_id', e.backendId, 32), V.backend_id.offset);
    writeHostU32(buf, checkUint(s, 'rule_id', e.ruleId, 32), V.rule_id.offset);
    writeHostU32(buf, checkUint(s, 'peer_identity', e.peerIdentity, 32), V.peer_identity.offset);
    writeIpv4(e.natAddress, buf, V.nat_address.offset, s, 'nat_address');
    buf.writeUInt16BE(checkUint(s, 'nat_port', e.natPort, 16), V.nat_port.offset);
    writeHostU16(buf, checkUint(s, 'rev_nat_index', e.revNatIndex, 16), V.rev_nat_index.offset);
    buf[V.flags.offset] = checkUint(s, 'flags', e.flags, 8);
    return buf;
  },
  decode(bytes) {
    checkSize(CT4_ENTRY_LAYOUT, bytes);
    return {
      expires: readHostU32(bytes, V.expires.offset),
      created: readHostU32(bytes, V.created.offset),
      backendId: readHostU32(bytes, V.backend_id.offset),
      ruleId: readHostU32(bytes, V.rule_id.offset),
      peerIdentity: readHostU32(bytes, V.peer_identity.offset),
      natAddress: formatIp(4, bytes.subarray(V.nat_address.offset)),
      natPort: bytes.readUInt16BE(V.nat_port.offset),
      revNatIndex: readHostU16(bytes, V.rev_nat_index.offset),
      flags: bytes[V.flags.offset]!,
    };
  },
};
