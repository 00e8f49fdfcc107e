import assert from 'node:assert/strict';
import { endianness } from 'node:os';
import { describe, test } from 'node:test';
import {
  endpointKeyCodec,
  endpointValueCodec,
  ipcacheKeyCodec,
  ipcacheValueCodec,
  lb4BackendKeyCodec,
  lb4BackendValueCodec,
  lb4RevNatKeyCodec,
  lb4RevNatValueCodec,
  lb4ServiceKeyCodec,
  lb4ServiceValueCodec,
  MapEntryError,
  policyKeyCodec,
  policyValueCodec,
  type StructCodec,
} from '../src/index.js';

function roundTrip<T>(codec: StructCodec<T>, samples: readonly T[]): void {
  for (const s of samples) {
    const bytes = codec.encode(s);
    assert.equal(bytes.length, codec.layout.size, codec.layout.struct);
    assert.deepEqual(codec.decode(bytes), s, codec.layout.struct);
    assert.deepEqual(codec.encode(codec.decode(bytes)), bytes, `${codec.layout.struct} re-encodes to the same bytes`);
  }
}

/** A host-order u32 as the C side would store it. */
function hostU32(n: number): Buffer {
  const b = Buffer.alloc(4);
  if (endianness() === 'LE') b.writeUInt32LE(n);
  else b.writeUInt32BE(n);
  return b;
}

describe('codecs round-trip', () => {
  test('ipcache', () => {
    roundTrip(ipcacheKeyCodec, [
      { ip: '10.0.0.0', prefixLength: 8 },
      { ip: '10.1.2.3', prefixLength: 32 },
      { ip: '0.0.0.0', prefixLength: 0 },
      { ip: '2001:db8::', prefixLength: 32 },
      { ip: 'fd00::1:2', prefixLength: 128 },
      { ip: '::', prefixLength: 0 },
    ]);
    roundTrip(ipcacheValueCodec, [
      { identity: 1, tunnelEndpoint: '0.0.0.0', flags: 0 },
      { identity: 4294967295, tunnelEndpoint: '192.168.1.20', flags: 3 },
    ]);
  });

  test('endpoints', () => {
    roundTrip(endpointKeyCodec, [{ ip: '10.200.0.7' }, { ip: 'fd00:10::7' }]);
    roundTrip(endpointValueCodec, [
      { endpointId: 1, identity: 256, ifindex: 0, flags: 0 },
      { endpointId: 65535, identity: 70000, ifindex: 12, flags: 3 },
    ]);
  });

  test('policy', () => {
    roundTrip(policyKeyCodec, [
      { direction: 'ingress', identity: 0, protocol: 0, port: 0, prefixLength: 8 },
      { direction: 'egress', identity: 1234, protocol: 0, port: 0, prefixLength: 64 },
      { direction: 'ingress', identity: 0, protocol: 6, port: 0, prefixLength: 80 },
      { direction: 'ingress', identity: 7, protocol: 17, port: 53, prefixLength: 96 },
      { direction: 'egress', identity: 7, protocol: 132, port: 8080, prefixLength: 93 },
    ]);
    roundTrip(policyValueCodec, [
      { action: 'allow', flags: 0, ruleId: 0xdeadbeef },
      { action: 'deny', flags: 1, ruleId: 0 },
    ]);
  });

  test('lb4 services, backends, reverse NAT', () => {
    roundTrip(lb4ServiceKeyCodec, [
      { address: '10.96.0.10', port: 53, protocol: 17, slot: 0 },
      { address: '0.0.0.0', port: 30080, protocol: 6, slot: 65535 },
    ]);
    roundTrip(lb4ServiceValueCodec, [
      { backendId: 10800, count: 3, revNatIndex: 7, flags: 0x11 },
      { backendId: 4294967295, count: 0, revNatIndex: 65535, flags: 0 },
    ]);
    roundTrip(lb4BackendKeyCodec, [{ backendId: 1 }, { backendId: 4294967295 }]);
    roundTrip(lb4BackendValueCodec, [
      { address: '10.200.0.21', port: 9090, protocol: 6, state: 'active' },
      { address: '10.200.0.22', port: 65535, protocol: 17, state: 'terminating' },
      { address: '10.200.0.23', port: 1, protocol: 132, state: 'quarantined' },
    ]);
    roundTrip(lb4RevNatKeyCodec, [{ revNatIndex: 1 }, { revNatIndex: 65535 }]);
    roundTrip(lb4RevNatValueCodec, [{ address: '10.96.0.10', port: 53 }]);
  });
});

describe('byte layout', () => {
  test('ipcache key: prefixlen counts pad+family first, address in network order, host bits zeroed', () => {
    const bytes = ipcacheKeyCodec.encode({ ip: '10.1.2.3', prefixLength: 24 });
    assert.deepEqual(bytes.subarray(0, 4), hostU32(32 + 24));
    assert.deepEqual([...bytes.subarray(4, 8)], [0, 0, 0, 4]);
    assert.deepEqual([...bytes.subarray(8)], [10, 1, 2, 0, ...new Array<number>(12).fill(0)]);
    assert.deepEqual(ipcacheKeyCodec.decode(bytes), { ip: '10.1.2.0', prefixLength: 24 });
    const v6 = ipcacheKeyCodec.encode({ ip: '2001:db8:ffff::1', prefixLength: 36 });
    assert.equal(v6[7], 6);
    assert.deepEqual([...v6.subarray(8, 14)], [0x20, 0x01, 0x0d, 0xb8, 0xf0, 0]);
  });

  test('ipcache value: identity in host order, tunnel endpoint in network order', () => {
    const bytes = ipcacheValueCodec.encode({ identity: 0x01020304, tunnelEndpoint: '192.168.0.1', flags: 1 });
    assert.deepEqual(bytes.subarray(0, 4), hostU32(0x01020304));
    assert.deepEqual([...bytes.subarray(4)], [192, 168, 0, 1, 1, 0, 0, 0]);
  });

  test('lb4 key: address and port in network order, slot in host order', () => {
    const bytes = lb4ServiceKeyCodec.encode({ address: '10.96.0.1', port: 443, protocol: 6, slot: 2 });
    assert.deepEqual([...bytes.subarray(0, 6)], [10, 96, 0, 1, 0x01, 0xbb]);
    assert.equal(bytes.readUInt16LE(6) === 2 || bytes.readUInt16BE(6) === 2, true);
    assert.deepEqual([...bytes.subarray(8)], [6, 0, 0, 0]);
  });

  test('policy key for ports 8080-8087 (prefix 93) keeps exactly the first 13 port bits', () => {
    const key = { direction: 'ingress', identity: 42, protocol: 6, port: 8080, prefixLength: 93 } as const;
    const bytes = policyKeyCodec.encode(key);
    assert.deepEqual(bytes.subarray(0, 4), hostU32(93));
    assert.equal(bytes[4], 0); // ingress
    assert.deepEqual(bytes.subarray(8, 12), hostU32(42));
    assert.equal(bytes[12], 6);
    // 8080 = 0b0001_1111_1001_0000; a /13 block leaves the low 3 bits free, and 8080 is aligned.
    assert.equal(bytes.readUInt16BE(14), 8080);
    // Bits 80..92 of the key data are the port's top 13 bits: the same for all of 8080..8087.
    for (let p = 8080; p <= 8087; p++) assert.deepEqual(policyKeyCodec.encode({ ...key, port: p }), bytes, `port ${p}`);
    assert.notDeepEqual(policyKeyCodec.encode({ ...key, port: 8088 }), bytes);
    assert.notDeepEqual(policyKeyCodec.encode({ ...key, port: 8079 }), bytes);
  });

  test('policy key: bits past the prefix are zero (direction default, identity only)', () => {
    const d = policyKeyCodec.encode({ direction: 'egress', identity: 9, protocol: 6, port: 80, prefixLength: 8 });
    assert.deepEqual([...d.subarray(4)], [1, ...new Array<number>(11).fill(0)]);
    const i = policyKeyCodec.encode({ direction: 'ingress', identity: 9, protocol: 6, port: 80, prefixLength: 64 });
    assert.deepEqual(i.subarray(8, 12), hostU32(9));
    assert.deepEqual([...i.subarray(12)], [0, 0, 0, 0]);
  });
});

describe('invalid entries name the struct and field', () => {
  test('bad addresses, prefixes and ranges', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => ipcacheKeyCodec.encode({ ip: '10.0.0.300', prefixLength: 32 }), /nl_ipcache_key\.addr/],
      [() => ipcacheKeyCodec.encode({ ip: '10.0.0.1', prefixLength: 33 }), /nl_ipcache_key\.prefixlen/],
      [() => ipcacheValueCodec.encode({ identity: -1, tunnelEndpoint: '0.0.0.0', flags: 0 }), /nl_ipcache_value\.identity/],
      [() => ipcacheValueCodec.encode({ identity: 1, tunnelEndpoint: 'fd00::1', flags: 0 }), /nl_ipcache_value\.tunnel_endpoint/],
      [() => policyKeyCodec.encode({ direction: 'ingress', identity: 1, protocol: 6, port: 0, prefixLength: 70 }), /nl_policy_key\.prefixlen/],
      [() => lb4ServiceKeyCodec.encode({ address: '10.0.0.1', port: 65536, protocol: 6, slot: 0 }), /nl_lb4_key\.dport/],
      [() => endpointValueCodec.encode({ endpointId: 0, identity: 1, ifindex: 0, flags: 0 }), /nl_endpoint_value\.endpoint_id/],
      [() => lb4BackendValueCodec.decode(Buffer.from([10, 0, 0, 1, 0, 80, 6, 9])), /nl_lb4_backend\.state/],
      [() => policyValueCodec.decode(Buffer.alloc(8)), /nl_policy_value\.action/],
    ];
    for (const [fn, message] of cases) assert.throws(fn, (e: unknown) => e instanceof MapEntryError && message.test(e.message));
  });
});
