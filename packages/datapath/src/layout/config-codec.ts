import { readHostU32, writeHostU32 } from './host-order.js';
import { readHostU64, writeHostU64 } from './host-order-u64.js';
import type { DatapathConfigValue } from './map-types.js';
import { checkSize, checkUint, type StructCodec, type StructLayout } from './struct-codec.js';

/** struct nl_config. */
export const CONFIG_LAYOUT = {
  struct: 'nl_config',
  size: 16,
  fields: {
    flow_events_per_second: { offset: 0, size: 4 },
    flags: { offset: 4, size: 4 },
    host_netns_cookie: { offset: 8, size: 8 },
  },
} as const satisfies StructLayout;

const V = CONFIG_LAYOUT.fields;

export const configCodec: StructCodec<DatapathConfigValue, keyof typeof V> = {
  layout: CONFIG_LAYOUT,
  encode(value) {
    const s = CONFIG_LAYOUT.struct;
    const buf = Buffer.alloc(CONFIG_LAYOUT.size);
    writeHostU32(buf, checkUint(s, 'flow_events_per_second', value.flowEventsPerSecond, 32), V.flow_events_per_second.offset);
    writeHostU32(buf, checkUint(s, 'flags', value.flags, 32), V.flags.offset);
    writeHostU64(buf, BigInt.asUintN(64, value.hostNetnsCookie), V.host_netns_cookie.offset);
    return buf;
  },
  decode(bytes) {
    checkSize(CONFIG_LAYOUT, bytes);
    return {
      flowEventsPerSecond: readHostU32(bytes, V.flow_events_per_second.offset),
      flags: readHostU32(bytes, V.flags.offset),
      hostNetnsCookie: readHostU64(bytes, V.host_netns_cookie.offset),
    };
  },
};
