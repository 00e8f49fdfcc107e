import { MapEntryError } from '../datapath-errors.js';
import { readHostU32, writeHostU32 } from './host-order.js';
import { formatIp, writeIpv4 } from './ip-bytes.js';
import type { BackendState, Lb4BackendKey, Lb4BackendValue } from './map-types.js';
import { checkSize, checkUint, type StructCodec, type StructLayout } from './struct-codec.js';

/** struct nl_lb4_backend_key. */
export const LB4_BACKEND_KEY_LAYOUT = {
  struct: 'nl_lb4_backend_key',
  size: 4,
  fields: { backend_id: { offset: 0, size: 4 } },
} as const satisfies StructLayout;

/** struct nl_lb4_backend. */
export const LB4_BACKEND_VALUE_LAYOUT = {
  struct: 'nl_lb4_backend',
  size: 8,
  fields: {
    address: { offset: 0, size: 4 },
    port: { offset: 4, size: 2 },
    proto: { offset: 6, size: 1 },
    state: { offset: 7, size: 1 },
  },
} as const satisfies StructLayout;

/** NL_BACKEND_* by state name. */
export const BACKEND_STATE_CODE: Readonly<Record<BackendState, number>> = { active: 0, terminating: 1, quarantined: 2 };
const STATE_BY_CODE: readonly BackendState[] = ['active', 'terminating', 'quarantined'];

const K = LB4_BACKEND_KEY_LAYOUT.fields;
const V = LB4_BACKEND_VALUE_LAYOUT.fields;

export const lb4BackendKeyCodec: StructCodec<Lb4BackendKey, keyof typeof K> = {
  layout: LB4_BACKEND_KEY_LAYOUT,
  encode(key) {
    const buf = Buffer.alloc(LB4_BACKEND_KEY_LAYOUT.size);
    writeHostU32(buf, checkUint(LB4_BACKEND_KEY_LAYOUT.struct, 'backend_id', key.backendId, 32), K.backend_id.offset);
    return buf;
  },
  decode(bytes) {
    checkSize(LB4_BACKEND_KEY_LAYOUT, bytes);
    return { backendId: readHostU32(bytes, K.backend_id.offset) };
  },
};

export const lb4BackendValueCodec: StructCodec<Lb4BackendValue, keyof typeof V> = {
  layout: LB4_BACKEND_VALUE_LAYOUT,
  encode(value) {
    const s = LB4_BACKEND_VALUE_LAYOUT.struct;
    const state = BACKEND_STATE_CODE[value.state] as number | undefined;
    if (state === undefined) throw new MapEntryError(s, 'state', `${JSON.stringify(value.state)} is not a backend state`);
    const buf = Buffer.alloc(LB4_BACKEND_VALUE_LAYOUT.size);
    writeIpv4(value.address, buf, V.address.offset, s, 'address');
    buf.writeUInt16BE(checkUint(s, 'port', value.port, 16), V.port.offset);
    buf[V.proto.offset] = checkUint(s, 'proto', value.protocol, 8);
    buf[V.state.offset] = state;
    return buf;
  },
  decode(bytes) {
    checkSize(LB4_BACKEND_VALUE_LAYOUT, bytes);
    const code = bytes[V.state.offset]!;
    const state = STATE_BY_CODE[code];
    if (state === undefined) throw new MapEntryError(LB4_BACKEND_VALUE_LAYOUT.struct, 'state', `${code} is not an NL_BACKEND_* state`);
    return {
      address: formatIp(4, bytes.subarray(V.address.offset)),
      port: bytes.readUInt16BE(V.port.offset),
      protocol: bytes[V.proto.offset]!,
      state,
    };
  },
};
