import { readHostU16, writeHostU16 } from './host-order.js';
import { formatIp, writeIpv4 } from './ip-bytes.js';
import type { Lb4RevNatKey, Lb4RevNatValue } from './map-types.js';
import { checkSize, checkUint, type StructCodec, type StructLayout } from './struct-codec.js';

/** struct nl_lb4_revnat_key. */
export const LB4_REVNAT_KEY_LAYOUT = {
  struct: 'nl_lb4_revnat_key',
  size: 2,
  fields: { rev_nat_index: { offset: 0, size: 2 } },
} as const satisfies StructLayout;

/** struct nl_lb4_revnat. */
export const LB4_REVNAT_VALUE_LAYOUT = {
  struct: 'nl_lb4_revnat',
  size: 8,
  fields: {
    address: { offset: 0, size: 4 },
    port: { offset: 4, size: 2 },
    pad: { offset: 6, size: 2 },
  },
} as const satisfies StructLayout;

const K = LB4_REVNAT_KEY_LAYOUT.fields;
const V = LB4_REVNAT_VALUE_LAYOUT.fields;

export const lb4RevNatKeyCodec: StructCodec<Lb4RevNatKey, keyof typeof K> = {
  layout: LB4_REVNAT_KEY_LAYOUT,
  encode(key) {
    const buf = Buffer.alloc(LB4_REVNAT_KEY_LAYOUT.size);
    writeHostU16(buf, checkUint(LB4_REVNAT_KEY_LAYOUT.struct, 'rev_nat_index', key.revNatIndex, 16), K.rev_nat_index.offset);
    return buf;
  },
  decode(bytes) {
    checkSize(LB4_REVNAT_KEY_LAYOUT, bytes);
    return { revNatIndex: readHostU16(bytes, K.rev_nat_index.offset) };
  },
};

export const lb4RevNatValueCodec: StructCodec<Lb4RevNatValue, keyof typeof V> = {
  layout: LB4_REVNAT_VALUE_LAYOUT,
  encode(value) {
    const s = LB4_REVNAT_VALUE_LAYOUT.struct;
    const buf = Buffer.alloc(LB4_REVNAT_VALUE_LAYOUT.size);
    writeIpv4(value.address, buf, V.address.offset, s, 'address');
    buf.writeUInt16BE(checkUint(s, 'port', value.port, 16), V.port.offset);
    return buf;
  },
  decode(bytes) {
    checkSize(LB4_REVNAT_VALUE_LAYOUT, bytes);
    return { address: formatIp(4, bytes.subarray(V.address.offset)), port: bytes.readUInt16BE(V.port.offset) };
  },
};
