import { readHostU32, writeHostU32 } from './host-order.js';
import { formatIp, writeIpv4 } from './ip-bytes.js';
import type { NodeAddrKey, NodeAddrValue } from './map-types.js';
import { checkSize, checkUint, type StructCodec, type StructLayout } from './struct-codec.js';

/** struct nl_node_addr_key. */
export const NODE_ADDR_KEY_LAYOUT = {
  struct: 'nl_node_addr_key',
  size: 4,
  fields: { address: { offset: 0, size: 4 } },
} as const satisfies StructLayout;

/** struct nl_node_addr. */
export const NODE_ADDR_VALUE_LAYOUT = {
  struct: 'nl_node_addr',
  size: 4,
  fields: { flags: { offset: 0, size: 4 } },
} as const satisfies StructLayout;

export const nodeAddrKeyCodec: StructCodec<NodeAddrKey, 'address'> = {
  layout: NODE_ADDR_KEY_LAYOUT,
  encode(key) {
    const buf = Buffer.alloc(NODE_ADDR_KEY_LAYOUT.size);
    writeIpv4(key.address, buf, 0, NODE_ADDR_KEY_LAYOUT.struct, 'address');
    return buf;
  },
  decode(bytes) {
    checkSize(NODE_ADDR_KEY_LAYOUT, bytes);
    return { address: formatIp(4, bytes) };
  },
};

export const nodeAddrValueCodec: StructCodec<NodeAddrValue, 'flags'> = {
  layout: NODE_ADDR_VALUE_LAYOUT,
  encode(value) {
    const buf = Buffer.alloc(NODE_ADDR_VALUE_LAYOUT.size);
    writeHostU32(buf, checkUint(NODE_ADDR_VALUE_LAYOUT.struct, 'flags', value.flags, 32), 0);
    return buf;
  },
  decode(bytes) {
    checkSize(NODE_ADDR_VALUE_LAYOUT, bytes);
    return { flags: readHostU32(bytes, 0) };
  },
};
