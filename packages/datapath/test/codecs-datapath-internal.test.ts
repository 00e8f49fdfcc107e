import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CT4_ENTRY_LAYOUT,
  FLOW_RECORD_LAYOUT,
  MapEntryError,
  configCodec,
  counterSlot,
  ct4EntryCodec,
  ct4KeyCodec,
  decodeFlowRecord,
  decodeFlowState,
  dropReasonName,
  encodeFlowState,
  lb4AffinityKeyCodec,
  lb4AffinityValueCodec,
  nodeAddrKeyCodec,
  nodeAddrValueCodec,
  sockRevNatKeyCodec,
  sockRevNatValueCodec,
} from '../src/index.js';

test('conntrack keys and entries round-trip; addresses and ports in network order', () => {
  const key = { saddr: '10.200.0.5', daddr: '10.96.0.10', sport: 40000, dport: 80, protocol: 6, scope: 'service' as const };
  const bytes = ct4KeyCodec.encode(key);
  assert.equal(bytes.toString('hex'), '0ac80005' + '0a60000a' + '9c40' + '0050' + '06' + '02' + '0000');
  assert.deepEqual(ct4KeyCodec.decode(bytes), key);
  const entry = { expires: 100, created: 40, backendId: 7, ruleId: 0xdeadbeef, peerIdentity: 1002, natAddress: '10.96.0.10', natPort: 80, revNatIndex: 3, flags: 1 };
  const e = ct4EntryCodec.encode(entry);
  assert.equal(e.length, CT4_ENTRY_LAYOUT.size);
  assert.deepEqual(ct4EntryCodec.decode(e), entry);
  assert.throws(() => ct4KeyCodec.encode({ ...key, scope: 'sideways' as never }), (err: unknown) => err instanceof MapEntryError && err.field === 'scope');
});

test('affinity, socket rev-NAT, node address and config entries round-trip', () => {
  const cases = [
    [lb4AffinityKeyCodec, { client: '10.200.0.9', revNatIndex: 12 }],
    [lb4AffinityValueCodec, { backendId: 5, lastUsed: 99 }],
    [sockRevNatKeyCodec, { cookie: 0x1234567890n, address: '10.200.0.21', port: 8080 }],
    [sockRevNatValueCodec, { address: '10.96.0.10', port: 53, revNatIndex: 2 }],
    [nodeAddrKeyCodec, { address: '192.0.2.1' }],
    [nodeAddrValueCodec, { flags: 3 }],
    [configCodec, { flowEventsPerSecond: 500, flags: 1, hostNetnsCookie: 4096n }],
  ] as const;
  for (const [codec, value] of cases) {
    assert.deepEqual((codec as { decode(b: Buffer): unknown }).decode((codec as { encode(v: unknown): Buffer }).encode(value)), value, codec.layout.struct);
  }
});

test('a counter index names its verdict, direction and reason', () => {
  assert.deepEqual(counterSlot((1 << 2) | 2 | 1), { verdict: 'DROPPED', direction: 'egress', reason: 'policy-denied' });
  assert.deepEqual(counterSlot(0), { verdict: 'FORWARDED', direction: 'ingress', reason: 'none' });
  assert.equal(dropReasonName(2), 'policy-deny-rule');
  assert.equal(dropReasonName(9), 'unsupported-fragment');
  assert.equal(dropReasonName(40), 'drop-40');
});

test('flow records decode as the programs write them; an unwritten slot is none', () => {
  assert.equal(decodeFlowRecord(Buffer.alloc(FLOW_RECORD_LAYOUT.size)), undefined);
  const f = FLOW_RECORD_LAYOUT.fields;
  const b = Buffer.alloc(FLOW_RECORD_LAYOUT.size);
  b.writeBigUInt64LE(42n, f.seq.offset);
  b.writeBigUInt64LE(123456789n, f.time_ns.offset);
  Buffer.from([10, 200, 0, 5]).copy(b, f.saddr.offset);
  Buffer.from([10, 200, 0, 21]).copy(b, f.daddr.offset);
  b.writeUInt16BE(40000, f.sport.offset);
  b.writeUInt16BE(8080, f.dport.offset);
  Buffer.from([10, 96, 0, 10]).copy(b, f.svc_address.offset);
  b.writeUInt16BE(80, f.svc_port.offset);
  b[f.proto.offset] = 6;
  b[f.observation.offset] = 1;
  b[f.direction.offset] = 1;
  b[f.verdict.offset] = 2;
  b[f.drop_reason.offset] = 2;
  b[f.tcp_flags.offset] = 0x02;
  b[f.flags.offset] = 0x02;
  b.writeUInt32LE(1001, f.src_identity.offset);
  b.writeUInt32LE(1002, f.dst_identity.offset);
  b.writeUInt32LE(4, f.endpoint_id.offset);
  b.writeUInt32LE(17, f.ifindex.offset);
  b.writeUInt32LE(0xde11, f.rule_id.offset);
  assert.deepEqual(decodeFlowRecord(b), {
    seq: 42n,
    timeNs: 123456789n,
    observation: 'from-pod',
    direction: 'egress',
    verdict: 'DROPPED',
    dropReason: 'policy-deny-rule',
    protocol: 'TCP',
    srcIp: '10.200.0.5',
    dstIp: '10.200.0.21',
    srcPort: 40000,
    dstPort: 8080,
    serviceIp: '10.96.0.10',
    servicePort: 80,
    srcIdentity: 1001,
    dstIdentity: 1002,
    endpointId: 4,
    ifindex: 17,
    ruleId: 0xde11,
    tcpFlags: 2,
    isReply: false,
  });
  b[f.proto.offset] = 1;
  b[f.verdict.offset] = 1;
  b[f.flags.offset] = 0x01;
  const icmp = decodeFlowRecord(b)!;
  assert.deepEqual([icmp.protocol, icmp.verdict, icmp.dropReason, icmp.serviceIp, icmp.isReply], ['ICMP', 'FORWARDED', undefined, undefined, true]);
  const state = { head: 9n, windowStartNs: 10n, windowCount: 11n, suppressed: 12n };
  assert.deepEqual(decodeFlowState(encodeFlowState(state)), state);
});
