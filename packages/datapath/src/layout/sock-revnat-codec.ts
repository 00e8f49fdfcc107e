import { readHostU16, writeHostU16 } from './host-order.js';
import { readHostU64, writeHostU64 } from './host-order-u64.js';
import { formatIp, writeIpv4 } from './ip-bytes.js';
import type { SockRevNatKey, SockRevNatValue } from './map-types.js';
import { checkSize, checkUint, type StructCodec, type StructLayout } from './struct-codec.js';

/** struct nl_sock_revnat_key. */
export const SOCK_REVNAT_KEY_LAYOUT = {
  struct: 'nl_sock_revnat_key',
  size: 16,
  fields: {
    cookie: { offset: 0, size: 8 },
    address: { offset: 8, size: 4 },
    port: { offset: 12, size: 2 },
    pad: { offset: 14, size: 2 },
  },
} as const satisfies StructLayout;

/** struct nl_sock_revnat. */
export const SOCK_REVNAT_VALUE_LAYOUT = {
  struct: 'nl_sock_revnat',
  size: 8,
  fields: {
    address: { offset: 0, size: 4 },
    port: { offset: 4, size: 2 },
    rev_nat_index: { offset: 6, size: 2 },
  },
} as const satisfies StructLayout;

const K = SOCK_REVNAT_KEY_LAYOUT.fields;
const V = SOCK_REVNAT_VALUE_LAYOUT.fields;

export const sockRevNatKeyCodec: StructCodec<SockRevNatKey, keyof typeof K> = {
  layout: SOCK_REVNAT_KEY_LAYOUT,
  encode(key) {
    const s = SOCK_REVNAT_KEY_LAYOUT.struct;
    const buf = Buffer.alloc(SOCK_REVNAT_KEY_LAYOUT.size);
    writeHostU64(buf, BigInt.asUintN(64, key.cookie), K.cookie.offset);
    writeIpv4(key.address, buf, K.address.offset, s, 'address');
    buf.writeUInt16BE(checkUint(s, 'port', key.port, 16), K.port.offset);
    return buf;
  },
  decode(bytes) {
    checkSize(SOCK_REVNAT_KEY_LAYOUT, bytes);
    return {
      cookie: readHostU64(bytes, K.cookie.offset),
      address: formatIp(4, bytes.subarray(K.address.offset)),
      port: bytes.readUInt16BE(K.port.offset),
    };
  },
};

export const sockRevNatValueCodec: StructCodec<SockRevNatValue, keyof typeof V> = {
  layout: SOCK_REVNAT_VALUE_LAYOUT,
  encode(value) {
    const s = SOCK_REVNAT_VALUE_LAYOUT.struct;
    const buf = Buffer.alloc(SOCK_REVNAT_VALUE_LAYOUT.size);
    writeIpv4(value.address, buf, V.address.offset, s, 'address');
    buf.writeUInt16BE(checkUint(s, 'port', value.port, 16), V.port.offset);
    writeHostU16(buf, checkUint(s, 'rev_nat_index', value.revNatIndex, 16), V.rev_nat_index.offset);
    return buf;
  },
  decode(bytes) {
    checkSize(SOCK_REVNAT_VALUE_LAYOUT, bytes);
    return {
      address: formatIp(4, bytes.subarray(V.address.offset)),
      port: bytes.readUInt16BE(V.port.offset),
      revNatIndex: readHostU16(bytes, V.rev_nat_index.offset),
    };
  },
};
