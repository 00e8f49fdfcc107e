import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterIpAllocator, NodePortAllocator, ServiceCidrError } from '@netledger/kube-apiserver';

describe('ClusterIpAllocator', () => {
  it('skips the network address and hands out in order', () => {
    const a = ClusterIpAllocator.fromCidr('10.96.0.0/12');
    assert.equal(a.firstUsable, '10.96.0.1');
    assert.deepEqual(a.allocate('10.96.0.1'), { ok: true, value: '10.96.0.1' });
    assert.deepEqual(a.allocateNext(), { ok: true, value: '10.96.0.2' });
    assert.deepEqual(a.allocateNext(), { ok: true, value: '10.96.0.3' });
  });

  it('honours requested addresses when free and in range', () => {
    const a = ClusterIpAllocator.fromCidr('10.96.0.0/12');
    assert.deepEqual(a.allocate('10.100.1.2'), { ok: true, value: '10.100.1.2' });
    assert.deepEqual(a.allocate('10.100.1.2'), { ok: false, reason: 'taken' });
    assert.deepEqual(a.allocate('10.112.0.1'), { ok: false, reason: 'out-of-range' });
    assert.deepEqual(a.allocate('10.96.0.0'), { ok: false, reason: 'out-of-range' }, 'network address');
    assert.deepEqual(a.allocate('10.111.255.255'), { ok: false, reason: 'out-of-range' }, 'broadcast address');
    assert.deepEqual(a.allocate('10.96.0.300'), { ok: false, reason: 'malformed' });
  });

  it('releases, and does not hand a released address out again at once', () => {
    const a = ClusterIpAllocator.fromCidr('192.168.0.0/29');
    const got = [1, 2, 3, 4, 5, 6].map(() => a.allocateNext());
    assert.deepEqual(got.map((g) => g.ok && g.value), ['192.168.0.1', '192.168.0.2', '192.168.0.3', '192.168.0.4', '192.168.0.5', '192.168.0.6']);
    assert.deepEqual(a.allocateNext(), { ok: false, reason: 'exhausted' });
    a.release('192.168.0.3');
    a.release('192.168.0.3');
    assert.equal(a.isAllocated('192.168.0.3'), false);
    assert.deepEqual(a.allocateNext(), { ok: true, value: '192.168.0.3' });
  });

  it('next-fit: after a release the search resumes past the last grant', () => {
    const a = ClusterIpAllocator.fromCidr('192.168.0.0/28');
    a.allocateNext();
    a.allocateNext();
    a.release('192.168.0.1');
    assert.deepEqual(a.allocateNext(), { ok: true, value: '192.168.0.3' });
  });

  it('rejects bad CIDRs', () => {
    for (const bad of ['10.96.0.0', '10.96.0.1/12', 'fd00::/108', '10.96.0.0/4', '10.96.0.0/31', 'x/12']) {
      assert.throws(() => ClusterIpAllocator.fromCidr(bad), ServiceCidrError, bad);
    }
  });
});

describe('NodePortAllocator', () => {
  it('allocates inside the range and reports conflicts', () => {
    const a = new NodePortAllocator([30000, 30002]);
    assert.deepEqual(a.allocate(30001), { ok: true, value: 30001 });
    assert.deepEqual(a.allocate(30001), { ok: false, reason: 'taken' });
    assert.deepEqual(a.allocate(29999), { ok: false, reason: 'out-of-range' });
    assert.deepEqual(a.allocateNext(), { ok: true, value: 30000 });
    assert.deepEqual(a.allocateNext(), { ok: true, value: 30002 });
    assert.deepEqual(a.allocateNext(), { ok: false, reason: 'exhausted' });
    a.release(30000);
    assert.deepEqual(a.allocateNext(), { ok: true, value: 30000 });
  });

  it('rejects an inverted range', () => {
    assert.throws(() => new NodePortAllocator([32000, 31000]), RangeError);
  });
});
