import { MapEntryError } from '../datapath-errors.js';
import { protocolName } from '../dump/format-columns.js';
import { readHostU32 } from './host-order.js';
import { readHostU64, writeHostU64 } from './host-order-u64.js';
import { formatIp } from './ip-bytes.js';
import { dropReasonName, type FlowObservation, type FlowRecord, type FlowStateValue } from './map-types.js';
import { checkSize, type StructLayout } from './struct-codec.js';

/** struct nl_flow_record. */
export const FLOW_RECORD_LAYOUT = {
  struct: 'nl_flow_record',
  size: 64,
  fields: {
    seq: { offset: 0, size: 8 },
    time_ns: { offset: 8, size: 8 },
    saddr: { offset: 16, size: 4 },
    daddr: { offset: 20, size: 4 },
    sport: { offset: 24, size: 2 },
    dport: { offset: 26, size: 2 },
    svc_address: { offset: 28, size: 4 },
    svc_port: { offset: 32, size: 2 },
    proto: { offset: 34, size: 1 },
    observation: { offset: 35, size: 1 },
    direction: { offset: 36, size: 1 },
    verdict: { offset: 37, size: 1 },
    drop_reason: { offset: 38, size: 1 },
    tcp_flags: { offset: 39, size: 1 },
    flags: { offset: 40, size: 1 },
    pad: { offset: 41, size: 3 },
    src_identity: { offset: 44, size: 4 },
    dst_identity: { offset: 48, size: 4 },
    endpoint_id: { offset: 52, size: 4 },
    ifindex: { offset: 56, size: 4 },
    rule_id: { offset: 60, size: 4 },
  },
} as const satisfies StructLayout;

/** struct nl_flow_state. */
export const FLOW_STATE_LAYOUT = {
  struct: 'nl_flow_state',
  size: 32,
  fields: {
    head: { offset: 0, size: 8 },
    window_start_ns: { offset: 8, size: 8 },
    window_count: { offset: 16, size: 8 },
    suppressed: { offset: 24, size: 8 },
  },
} as const satisfies StructLayout;

const F = FLOW_RECORD_LAYOUT.fields;
const S = FLOW_STATE_LAYOUT.fields;
const OBSERVATIONS: Readonly<Record<number, FlowObservation>> = { 1: 'from-pod', 2: 'to-pod', 3: 'host-socket' };
const FLOW_F_REPLY = 0x01;
const FLOW_F_TRANSLATED = 0x02;
const VERDICT_DROPPED = 2;
const DIR_EGRESS = 1;
const IPPROTO_ICMP = 1;

/**
 * Decodes a flow record slot; undefined for a slot never written (seq 0). Records are written
 * by the programs only, so there is no encoder.
 */
export function decodeFlowRecord(bytes: Buffer): FlowRecord | undefined {
  checkSize(FLOW_RECORD_LAYOUT, bytes);
  const seq = readHostU64(bytes, F.seq.offset);
  if (seq === 0n) return undefined;
  const code = bytes[F.observation.offset]!;
  const observation = OBSERVATIONS[code];
  if (!observation) throw new MapEntryError(FLOW_RECORD_LAYOUT.struct, 'observation', `${code} is not an NL_OBS_* code`);
  const dropped = bytes[F.verdict.offset] === VERDICT_DROPPED;
  const flags = bytes[F.flags.offset]!;
  const translated = (flags & FLOW_F_TRANSLATED) !== 0;
  return {
    seq,
    timeNs: readHostU64(bytes, F.time_ns.offset),
    observation,
    direction: bytes[F.direction.offset] === DIR_EGRESS ? 'egress' : 'ingress',
    verdict: dropped ? 'DROPPED' : 'FORWARDED',
    dropReason: dropped ? dropReasonName(bytes[F.drop_reason.offset]!) : undefined,
    protocol: bytes[F.proto.offset] === IPPROTO_ICMP ? 'ICMP' : protocolName(bytes[F.proto.offset]!),
    srcIp: formatIp(4, bytes.subarray(F.saddr.offset)),
    dstIp: formatIp(4, bytes.subarray(F.daddr.offset)),
    srcPort: bytes.readUInt16BE(F.sport.offset),
    dstPort: bytes.readUInt16BE(F.dport.offset),
    ...(translated ? { serviceIp: formatIp(4, bytes.subarray(F.svc_address.offset)), servicePort: bytes.readUInt16BE(F.svc_port.offset) } : {}),
    srcIdentity: readHostU32(bytes, F.src_identity.offset),
    dstIdentity: readHostU32(bytes, F.dst_identity.offset),
    endpointId: readHostU32(bytes, F.endpoint_id.offset),
    ifindex: readHostU32(bytes, F.ifindex.offset),
    ruleId: readHostU32(bytes, F.rule_id.offset),
    tcpFlags: bytes[F.tcp_flags.offset]!,
    isReply: (flags & FLOW_F_REPLY) !== 0,
  };
}

export function decodeFlowState(bytes: Buffer): FlowStateValue {
  checkSize(FLOW_STATE_LAYOUT, bytes);
  return {
    head: readHostU64(bytes, S.head.offset),
    windowStartNs: readHostU64(bytes, S.window_start_ns.offset),
    windowCount: readHostU64(bytes, S.window_count.offset),
    suppressed: readHostU64(bytes, S.suppressed.offset),
  };
}

export function encodeFlowState(value: FlowStateValue): Buffer {
  const buf = Buffer.alloc(FLOW_STATE_LAYOUT.size);
  writeHostU64(buf, value.head, S.head.offset);
  writeHostU64(buf, value.windowStartNs, S.window_start_ns.offset);
  writeHostU64(buf, value.windowCount, S.window_count.offset);
  writeHostU64(buf, value.suppressed, S.suppressed.offset);
  return buf;
}
