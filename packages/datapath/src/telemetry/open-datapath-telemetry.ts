import { counterCodec, counterSlot } from '../layout/counter-codec.js';
import { decodeFlowRecord, decodeFlowState } from '../layout/flow-record-codec.js';
import { INTERNAL_MAP_CAPACITY, INTERNAL_MAP_NAMES, type FlowRecord, type Verdict } from '../layout/map-types.js';
import { u32KeyCodec } from '../layout/u32-key-codec.js';
import { openPinnedRaw, type PinnedRawMap } from '../pinned/open-pinned-raw.js';

/** Packets and bytes the programs counted for one verdict, reason and direction. */
export interface DatapathCounter {
  readonly verdict: Verdict;
  /** A drop reason ('policy-denied', ...), or 'none' for forwarded packets. */
  readonly reason: string;
  readonly direction: 'ingress' | 'egress';
  readonly packets: bigint;
  readonly bytes: bigint;
}

/** Reads what the programs wrote: flow records and counters. */
export interface DatapathTelemetry {
  /** Records written after `afterSeq` (0n = everything still in the ring), oldest first. */
  readFlows(afterSeq?: bigint): FlowRecord[];
  /** Seq of the newest record written (0n: none yet); the next readFlows(afterSeq) bound. */
  headSeq(): bigint;
  /** Records the rate limit left out since the maps were created. */
  suppressedFlows(): bigint;
  readCounters(): DatapathCounter[];
  close(): void;
}

const RING = INTERNAL_MAP_CAPACITY.flows;
// Fewer new records than this are read one lookup each; more, with one batch of the whole ring.
const SINGLE_READS = 256;
const STATE_KEY = u32KeyCodec.encode(0);

/** Opens the telemetry maps of a pin dir (MapNotPinnedError when the datapath never ran there). */
export function openDatapathTelemetry(pinDir: string): DatapathTelemetry {
  const opened: PinnedRawMap[] = [];
  try {
    const flows = openPinnedRaw(pinDir, INTERNAL_MAP_NAMES.flows);
    opened.push(flows);
    const state = openPinnedRaw(pinDir, INTERNAL_MAP_NAMES.flowState);
    opened.push(state);
    const counters = openPinnedRaw(pinDir, INTERNAL_MAP_NAMES.counters);
    opened.push(counters);
    return new PinnedTelemetry(flows, state, counters);
  } catch (e) {
    for (const m of opened) m.close();
    throw e;
  }
}

class PinnedTelemetry implements DatapathTelemetry {
  constructor(
    private readonly flows: PinnedRawMap,
    private readonly state: PinnedRawMap,
    private readonly counters: PinnedRawMap,
  ) {}

  headSeq(): bigint {
    const bytes = this.state.raw.get(STATE_KEY);
    return bytes ? decodeFlowState(bytes).head : 0n;
  }

  suppressedFlows(): bigint {
    const bytes = this.state.raw.get(STATE_KEY);
    return bytes ? decodeFlowState(bytes).suppressed : 0n;
  }

  readFlows(afterSeq = 0n): FlowRecord[] {
    const head = this.headSeq();
    const oldest = head > BigInt(RING) ? head - BigInt(RING) + 1n : 1n;
    const from = afterSeq + 1n > oldest ? afterSeq + 1n : oldest;
    if (from > head) return [];
    const slotOf = (seq: bigint): number => Number((seq - 1n) % BigInt(RING));
    const bySlot = new Map<number, Buffer>();
    if (head - from + 1n <= BigInt(SINGLE_READS)) {
      for (let seq = from; seq <= head; seq++) {
        const slot = slotOf(seq);
        const bytes = this.flows.raw.get(u32KeyCodec.encode(slot));
        if (bytes) bySlot.set(slot, bytes);
      }
    } else {
      for (const batch of this.flows.raw.getBatch(RING)) for (const [k, v] of batch) bySlot.set(u32KeyCodec.decode(k), v);
    }
    const out: FlowRecord[] = [];
    for (let seq = from; seq <= head; seq++) {
      const bytes = bySlot.get(slotOf(seq));
      const record = bytes && decodeFlowRecord(bytes);
      // Another seq: overwritten since (the ring wrapped) or still being written.
      if (record && record.seq === seq) out.push(record);
    }
    return out;
  }

  readCounters(): DatapathCounter[] {
    const out: DatapathCounter[] = [];
    for (const batch of this.counters.raw.getBatch(this.counters.maxEntries)) {
      for (const [k, v] of batch) {
        const value = counterCodec.decode(v);
        if (value.packets === 0n) continue;
        out.push({ ...counterSlot(u32KeyCodec.decode(k)), packets: value.packets, bytes: value.bytes });
      }
    }
    return out.sort((a, b) => a.direction.localeCompare(b.direction) || a.verdict.localeCompare(b.verdict) || a.reason.localeCompare(b.reason));
  }

  close(): void {
    for (const m of [this.flows, this.state, this.counters]) m.close();
  }
}
