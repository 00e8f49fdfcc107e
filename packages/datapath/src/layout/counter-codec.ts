import { readHostU64, writeHostU64 } from './host-order-u64.js';
import type { CounterValue, Verdict } from './map-types.js';
import { dropReasonName } from './map-types.js';
import { checkSize, type StructCodec, type StructLayout } from './struct-codec.js';

/** struct nl_counter. */
export const COUNTER_LAYOUT = {
  struct: 'nl_counter',
  size: 16,
  fields: {
    packets: { offset: 0, size: 8 },
    bytes: { offset: 8, size: 8 },
  },
} as const satisfies StructLayout;

export const counterCodec: StructCodec<CounterValue, keyof typeof COUNTER_LAYOUT.fields> = {
  layout: COUNTER_LAYOUT,
  encode(value) {
    const buf = Buffer.alloc(COUNTER_LAYOUT.size);
    writeHostU64(buf, value.packets, COUNTER_LAYOUT.fields.packets.offset);
    writeHostU64(buf, value.bytes, COUNTER_LAYOUT.fields.bytes.offset);
    return buf;
  },
  decode(bytes) {
    checkSize(COUNTER_LAYOUT, bytes);
    return { packets: readHostU64(bytes, COUNTER_LAYOUT.fields.packets.offset), bytes: readHostU64(bytes, COUNTER_LAYOUT.fields.bytes.offset) };
  },
};

/** What an nl_counters index stands for: (reason << 2) | (direction << 1) | dropped (maps.h). */
export function counterSlot(index: number): { verdict: Verdict; reason: string; direction: 'ingress' | 'egress' } {
  return {
    verdict: index & 1 ? 'DROPPED' : 'FORWARDED',
    direction: index & 2 ? 'egress' : 'ingress',
    reason: dropReasonName(index >> 2),
  };
}
