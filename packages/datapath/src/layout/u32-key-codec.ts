import { readHostU32, writeHostU32 } from './host-order.js';
import { checkSize, checkUint, type StructCodec, type StructLayout } from './struct-codec.js';

/** A plain __u32 key (array index, endpoint id of nl_policy_eps); not a struct of maps.h. */
export const U32_KEY_LAYOUT = {
  struct: '__u32',
  size: 4,
  fields: { value: { offset: 0, size: 4 } },
} as const satisfies StructLayout;

export const u32KeyCodec: StructCodec<number, 'value'> = {
  layout: U32_KEY_LAYOUT,
  encode(value) {
    const buf = Buffer.alloc(4);
    writeHostU32(buf, checkUint('__u32', 'value', value, 32), 0);
    return buf;
  },
  decode(bytes) {
    checkSize(U32_KEY_LAYOUT, bytes);
    return readHostU32(bytes, 0);
  },
};
