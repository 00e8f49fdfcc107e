import { readHostU16, readHostU32, writeHostU16, writeHostU32 } from './host-order.js';
import { formatIp, writeIpv4 } from './ip-bytes.js';
import type { Lb4AffinityKey, Lb4AffinityValue } from './map-types.js';
import { checkSize, checkUint, type StructCodec, type StructLayout } from './struct-codec.js';

/** struct nl_lb4_affinity_key. */
export const LB4_AFFINITY_KEY_LAYOUT = {
  struct: 'nl_lb4_affinity_key',
  size: 8,
  fields: {
    client: { offset: 0, size: 4 },
    rev_nat_index: { offset: 4, size: 2 },
    pad: { offset: 6, size: 2 },
  },
} as const satisfies StructLayout;

/** struct nl_lb4_affinity. */
export const LB4_AFFINITY_VALUE_LAYOUT = {
  struct: 'nl_lb4_affinity',
  size: 8,
  fields: {
    backend_id: { offset: 0, size: 4 },
    last_used: { offset: 4, size: 4 },
  },
} as const satisfies StructLayout;

const K = LB4_AFFINITY_KEY_LAYOUT.fields;
const V = LB4_AFFINITY_VALUE_LAYOUT.fields;

export const lb4AffinityKeyCodec: StructCodec<Lb4AffinityKey, keyof typeof K> = {
  layout: LB4_AFFINITY_KEY_LAYOUT,
  encode(key) {
    const s = LB4_AFFINITY_KEY_LAYOUT.struct;
    const buf = Buffer.alloc(LB4_AFFINITY_KEY_LAYOUT.size);
    writeIpv4(key.client, buf, K.client.offset, s, 'client');
    writeHostU16(buf, checkUint(s, 'rev_nat_index', key.revNatIndex, 16), K.rev_nat_index.offset);
    return buf;
  },
  decode(bytes) {
    checkSize(LB4_AFFINITY_KEY_LAYOUT, bytes);
    return { client: formatIp(4, bytes.subarray(K.client.offset)), revNatIndex: readHostU16(bytes, K.rev_nat_index.offset) };
  },
};

export const lb4AffinityValueCodec: StructCodec<Lb4AffinityValue, keyof typeof V> = {
  layout: LB4_AFFINITY_VALUE_LAYOUT,
  encode(value) {
    const s = LB4_AFFINITY_VALUE_LAYOUT.struct;
    const buf = Buffer.alloc(LB4_AFFINITY_VALUE_LAYOUT.size);
    writeHostU32(buf, checkUint(s, 'backend_id', value.backendId, 32), V.backend_id.offset);
    writeHostU32(buf, checkUint(s, 'last_used', value.lastUsed, 32), V.last_used.offset);
    return buf;
  },
  decode(bytes) {
    checkSize(LB4_AFFINITY_VALUE_LAYOUT, bytes);
    return { backendId: readHostU32(bytes, V.backend_id.offset), lastUsed: readHostU32(bytes, V.last_used.offset) };
  },
};
