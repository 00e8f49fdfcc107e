import { MapEntryError } from '../datapath-errors.js';
import { readHostU32, writeHostU32 } from './host-order.js';
import { decodeFamily } from './ipcache-codec.js';
import { formatIp, writeIp } from './ip-bytes.js';
import type { EndpointKey, EndpointValue } from './map-types.js';
import { checkSize, checkUint, type StructCodec, type StructLayout } from './struct-codec.js';

/** struct nl_endpoint_key. */
export const ENDPOINT_KEY_LAYOUT = {
  struct: 'nl_endpoint_key',
  size: 20,
  fields: {
    family: { offset: 0, size: 1 },
    pad: { offset: 1, size: 3 },
    addr: { offset: 4, size: 16 },
  },
} as const satisfies StructLayout;

/** struct nl_endpoint_value. */
export const ENDPOINT_VALUE_LAYOUT = {
  struct: 'nl_endpoint_value',
  size: 16,
  fields: {
    endpoint_id: { offset: 0, size: 4 },
    identity: { offset: 4, size: 4 },
    ifindex: { offset: 8, size: 4 },
    flags: { offset: 12, size: 4 },
  },
} as const satisfies StructLayout;

const K = ENDPOINT_KEY_LAYOUT.fields;
const V = ENDPOINT_VALUE_LAYOUT.fields;

export const endpointKeyCodec: StructCodec<EndpointKey, keyof typeof K> = {
  layout: ENDPOINT_KEY_LAYOUT,
  encode(key) {
    const buf = Buffer.alloc(ENDPOINT_KEY_LAYOUT.size);
    buf[K.family.offset] = writeIp(key.ip, buf, K.addr.offset, ENDPOINT_KEY_LAYOUT.struct, 'addr');
    return buf;
  },
  decode(bytes) {
    checkSize(ENDPOINT_KEY_LAYOUT, bytes);
    const family = decodeFamily(bytes[K.family.offset]!, ENDPOINT_KEY_LAYOUT.struct);
    return { ip: formatIp(family, bytes.subarray(K.addr.offset, K.addr.offset + (family === 4 ? 4 : 16))) };
  },
};

export const endpointValueCodec: StructCodec<EndpointValue, keyof typeof V> = {
  layout: ENDPOINT_VALUE_LAYOUT,
  encode(value) {
    const s = ENDPOINT_VALUE_LAYOUT.struct;
    if (!Number.isInteger(value.endpointId) || value.endpointId < 1 || value.endpointId > 65535) {
      throw new MapEntryError(s, 'endpoint_id', `${String(value.endpointId)} is not an endpoint id (1..65535)`);
    }
    const buf = Buffer.alloc(ENDPOINT_VALUE_LAYOUT.size);
    writeHostU32(buf, value.endpointId, V.endpoint_id.offset);
    writeHostU32(buf, checkUint(s, 'identity', value.identity, 32), V.identity.offset);
    writeHostU32(buf, checkUint(s, 'ifindex', value.ifindex, 32), V.ifindex.offset);
    writeHostU32(buf, checkUint(s, 'flags', value.flags, 32), V.flags.offset);
    return buf;
  },
  decode(bytes) {
    checkSize(ENDPOINT_VALUE_LAYOUT, bytes);
    return {
      endpointId: readHostU32(bytes, V.endpoint_id.offset),
      identity: readHostU32(bytes, V.identity.offset),
      ifindex: readHostU32(bytes, V.ifindex.offset),
      flags: readHostU32(bytes, V.flags.offset),
    };
  },
};
