import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { POLICY_PREFIX } from '@netledger/datapath';
import { ENDPOINT_KEYS, IPCACHE_KEYS, LB4_BACKEND_KEYS, LB4_REVNAT_KEYS, LB4_SERVICE_KEYS, POLICY_KEYS } from '../src/desired/map-key-strings.js';

describe('map key strings', () => {
  it('parse back to the key they were made from (tables keep only the strings)', () => {
    const cases: Array<[{ stringOf(k: never): string; parse(s: string): unknown }, unknown]> = [
      [IPCACHE_KEYS, { ip: '10.0.0.1', prefixLength: 32 }],
      [IPCACHE_KEYS, { ip: 'fd00::1', prefixLength: 128 }],
      [IPCACHE_KEYS, { ip: '192.0.2.0', prefixLength: 24 }],
      [IPCACHE_KEYS, { ip: '::', prefixLength: 0 }],
      [ENDPOINT_KEYS, { ip: '10.0.0.1' }],
      [POLICY_KEYS, { direction: 'ingress', identity: 0, protocol: 0, port: 0, prefixLength: POLICY_PREFIX.direction }],
      [POLICY_KEYS, { direction: 'egress', identity: 256, protocol: 0, port: 0, prefixLength: POLICY_PREFIX.identity }],
      [POLICY_KEYS, { direction: 'egress', identity: 256, protocol: 6, port: 0, prefixLength: POLICY_PREFIX.protocol }],
      [POLICY_KEYS, { direction: 'ingress', identity: 256, protocol: 17, port: 8000, prefixLength: 90 }],
      [POLICY_KEYS, { direction: 'ingress', identity: 16777217, protocol: 132, port: 443, prefixLength: POLICY_PREFIX.full }],
      [LB4_SERVICE_KEYS, { address: '10.96.0.10', port: 80, protocol: 6, slot: 0 }],
      [LB4_SERVICE_KEYS, { address: '0.0.0.0', port: 30080, protocol: 17, slot: 12 }],
      [LB4_BACKEND_KEYS, { backendId: 123456 }],
      [LB4_REVNAT_KEYS, { revNatIndex: 7 }],
    ];
    for (const [codec, key] of cases) assert.deepEqual(codec.parse(codec.stringOf(key as never)), key, JSON.stringify(key));
  });

  it('give one string for keys the kernel sees as one entry', () => {
    assert.equal(IPCACHE_KEYS.stringOf({ ip: 'fd00:0:0::1', prefixLength: 128 }), IPCACHE_KEYS.stringOf({ ip: 'fd00::1', prefixLength: 128 }));
    // Port bits past the prefix are not part of the key.
    const block = { direction: 'ingress' as const, identity: 1, protocol: 6, prefixLength: 88 };
    assert.equal(POLICY_KEYS.stringOf({ ...block, port: 8000 }), POLICY_KEYS.stringOf({ ...block, port: 8001 }));
  });
});
