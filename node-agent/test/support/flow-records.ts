// Flow records as the datapath writes them, for the flow observer's tests.
import type { FlowRecord } from '@netledger/datapath';
import { FlowClock, type ClockReading } from '../../src/flows/flow-clock.js';

/** A record with defaults: a forwarded TCP SYN from-pod, egress, seq 1 at 1 s after boot. */
export function flowRecord(fields: Partial<FlowRecord> = {}): FlowRecord {
  return {
    seq: 1n,
    timeNs: 1_000_000_000n,
    observation: 'from-pod',
    direction: 'egress',
    verdict: 'FORWARDED',
    dropReason: undefined,
    protocol: 'TCP',
    srcIp: '10.0.0.1',
    dstIp: '10.0.0.2',
    srcPort: 41234,
    dstPort: 8080,
    srcIdentity: 0,
    dstIdentity: 0,
    endpointId: 1,
    ifindex: 7,
    ruleId: 0,
    tcpFlags: 0x02,
    isReply: false,
    ...fields,
  };
}

/** A clock booted at `bootWallMs`: monotonic ns count from there; `advance` moves both clocks. */
export class FakeClocks {
  monotonicNs: bigint;
  wallMs: number;

  constructor(bootWallMs: number, uptimeMs = 1000) {
    this.wallMs = bootWallMs + uptimeMs;
    this.monotonicNs = BigInt(uptimeMs) * 1_000_000n;
  }

  read = (): ClockReading => ({ monotonicNs: this.monotonicNs, wallMs: this.wallMs });

  advance(ms: number): void {
    this.wallMs += ms;
    this.monotonicNs += BigInt(ms) * 1_000_000n;
  }

  clock(): FlowClock {
    return new FlowClock(this.read);
  }
}
