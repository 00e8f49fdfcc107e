import { readHostU16, readHostU32, writeHostU16, writeHostU32 } from './host-order.js';
import { formatIp, writeIpv4 } from './ip-bytes.js';
import type { Lb4ServiceKey, Lb4ServiceValue } from './map-types.js';
import { checkSize, checkUint, type StructCodec, type StructLayout } from './struct-codec.js';

/** struct nl_lb4_key. */
export const LB4_SERVICE_KEY_LAYOUT = {
  struct: 'nl_lb4_key',
  size: 12,
  fields: {
    address: { offset: 0, size: 4 },
    dport: { offset: 4, size: 2 },
    backend_slot: { offset: 6, size: 2 },
    proto: { offset: 8, size: 1 },
    pad: { offset: 9, size: 3 },
  },
} as const satisfies StructLayout;

/** struct nl_lb4_service. */
export const LB4_SERVICE_VALUE_LAYOUT = {
  struct: 'nl_lb4_service',
  size: 12,
  fields: {
    backend_id: { offset: 0, size: 4 },
    count: { offset: 4, size: 2 },
    rev_nat_index: { offset: 6, size: 2 },
    flags: { offset: 8, size: 1 },
    pad: { offset: 9, size: 3 },
  },
} as const satisfies StructLayout;

const K = LB4_SERVICE_KEY_LAYOUT.fields;
const V = LB4_SERVICE_VALUE_LAYOUT.fields;

export const lb4ServiceKeyCodec: StructCodec<Lb4ServiceKey, keyof typeof K> = {
  layout: LB4_SERVICE_KEY_LAYOUT,
  encode(key) {
    const s = LB4_SERVICE_KEY_LAYOUT.struct;
    const buf = Buffer.alloc(LB4_SERVICE_KEY_LAYOUT.size);
    writeIpv4(key.address, buf, K.address.offset, s, 'address');
    buf.writeUInt16BE(checkUint(s, 'dport', key.port, 16), K.dport.offset);
    writeHostU16(buf, checkUint(s, 'backend_slot', key.slot, 16), K.backend_slot.offset);
    buf[K.proto.offset] = checkUint(s, 'proto', key.protocol, 8);
    return buf;
  },
  decode(bytes) {
    checkSize(LB4_SERVICE_KEY_LAYOUT, bytes);
    return {
      address: formatIp(4, bytes.subarray(K.address.offset)),
      port: bytes.readUInt16BE(K.dport.offset),
      protocol: bytes[K.proto.offset]!,
      slot: readHostU16(bytes, K.backend_slot.offset),
    };
  },
};

export const lb4ServiceValueCodec: StructCodec<Lb4ServiceValue, keyof typeof V> = {
  layout: LB4_SERVICE_VALUE_LAYOUT,
  encode(value) {
    const s = LB4_SERVICE_VALUE_LAYOUT.struct;
    const buf = Buffer.alloc(LB4_SERVICE_VALUE_LAYOUT.size);
    writeHostU32(buf, checkUint(s, 'backend_id', value.backendId, 32), V.backend_id.offset);
    writeHostU16(buf, checkUint(s, 'count', value.count, 16), V.count.offset);
    writeHostU16(buf, checkUint(s, 'rev_nat_index', value.revNatIndex, 16), V.rev_nat_index.offset);
    buf[V.flags.offset] = checkUint(s, 'flags', value.flags, 8);
    return buf;
  },
  decode(bytes) {
    checkSize(LB4_SERVICE_VALUE_LAYOUT, bytes);
    return {
      backendId: readHostU32(bytes, V.backend_id.offset),
      count: readHostU16(bytes, V.count.offset),
      revNatIndex: readHostU16(bytes, V.rev_nat_index.offset),
      flags: bytes[V.flags.offset]!,
    };
  },
};
