import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { policyKeyPortRange, policyRuleId, portRangeToPrefixes, type PortPrefix } from '../src/index.js';

/** Fewest aligned blocks covering from..to, by brute force over every way to cut the range. */
function bruteForceBlockCount(from: number, to: number): number {
  // best[i]: fewest blocks covering from..from+i-1. A block [s, s+2^k) must be aligned on 2^k.
  const n = to - from + 1;
  const best = new Array<number>(n + 1).fill(Infinity);
  best[0] = 0;
  for (let i = 0; i < n; i++) {
    const start = from + i;
    for (let size = 1; size <= 65536; size *= 2) {
      if (start % size !== 0 || i + size > n) continue;
      best[i + size] = Math.min(best[i + size]!, best[i]! + 1);
    }
  }
  return best[n]!;
}

function coveredPorts(blocks: readonly PortPrefix[]): number[] {
  return blocks.flatMap((b) => {
    const r = policyKeyPortRange(b)!;
    assert.equal(r.from, b.port, 'a block starts on its aligned port');
    return Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i);
  });
}

// A small deterministic generator: the property test is reproducible without a seed flag.
function* randomRanges(count: number): Generator<[number, number]> {
  let x = 0x9e3779b9;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % 65536;
  };
  for (let i = 0; i < count; i++) {
    const a = next();
    // Mostly short ranges (the brute force is quadratic-ish), some long ones.
    const b = i % 10 === 0 ? next() : Math.min(65535, a + (next() % 2000));
    yield a <= b ? [a, b] : [b, a];
  }
}

describe('portRangeToPrefixes', () => {
  test('known ranges', () => {
    assert.deepEqual(portRangeToPrefixes(8080, 8087), [{ port: 8080, prefixLength: 93 }]);
    assert.deepEqual(portRangeToPrefixes(80, 80), [{ port: 80, prefixLength: 96 }]);
    assert.deepEqual(portRangeToPrefixes(0, 65535), [{ port: 0, prefixLength: 80 }]);
    assert.equal(portRangeToPrefixes(1, 65535).length, 16);
    assert.deepEqual(portRangeToPrefixes(8079, 8088), [
      { port: 8079, prefixLength: 96 },
      { port: 8080, prefixLength: 93 },
      { port: 8088, prefixLength: 96 },
    ]);
  });

  test('random ranges: exact cover, in order, and as few blocks as brute force finds', () => {
    for (const [from, to] of randomRanges(300)) {
      const blocks = portRangeToPrefixes(from, to);
      const ports = coveredPorts(blocks);
      assert.equal(ports.length, to - from + 1, `${from}-${to}: no port twice, none missing`);
      assert.equal(ports[0], from);
      assert.equal(ports.at(-1), to);
      assert.ok(ports.every((p, i) => i === 0 || p === ports[i - 1]! + 1), `${from}-${to}: contiguous and ordered`);
      assert.equal(blocks.length, bruteForceBlockCount(from, to), `${from}-${to}: minimal`);
    }
  });

  test('rejects what is not a port range', () => {
    assert.throws(() => portRangeToPrefixes(10, 9), /port range\.to/);
    assert.throws(() => portRangeToPrefixes(-1, 9), /port range\.from/);
    assert.throws(() => portRangeToPrefixes(0, 65536), /port range\.to/);
  });
});

describe('policyRuleId', () => {
  test('FNV-1a 32 of "<ref>#<source>" over UTF-8', () => {
    // Computed independently (Python: h = (h ^ b) * 0x01000193 mod 2^32 from 0x811c9dc5).
    assert.equal(policyRuleId('foo', 'bar'), 0x735ccf69);
    assert.equal(policyRuleId('default/allow-web', 'ingress[0]'), 0x5b44370b);
    assert.notEqual(policyRuleId('default/allow-web', 'ingress[0]'), policyRuleId('default/allow-web', 'ingress[1]'));
  });
});
