import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidrContainsCidr, cidrContainsIp, formatCidr, parseCidr, type Cidr } from '../src/net/cidr.js';
import { formatIpAddress, parseIpAddress } from '../src/net/ip-address.js';

function cidr(text: string, allowBareAddress = false): Cidr {
  const r = parseCidr(text, { allowBareAddress });
  if (!r.ok) throw new Error(r.reason);
  return r.cidr;
}

describe('addresses and prefixes', () => {
  it('parses and prints IPv4 and IPv6 canonically', () => {
    const cases: [string, string | null][] = [
      ['192.0.2.1', '192.0.2.1'],
      ['::', '::'],
      ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:db8::', '2001:db8::'],
      ['::ffff:192.0.2.1', '::ffff:c000:201'],
      ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
      ['192.0.2.01', null],
      ['256.0.0.1', null],
      ['1.2.3', null],
      ['1::2::3', null],
      ['1:2:3:4:5:6:7:8:9', null],
      ['fe80::1%eth0', null],
      ['', null],
    ];
    for (const [input, expected] of cases) {
      const ip = parseIpAddress(input);
      assert.equal(ip === null ? null : formatIpAddress(ip), expected, input);
    }
  });

  it('clears host bits and checks containment per family', () => {
    assert.equal(formatCidr(cidr('10.1.2.3/8')), '10.0.0.0/8');
    assert.equal(formatCidr(cidr('2001:db8::1/32')), '2001:db8::/32');
    assert.equal(formatCidr(cidr('10.1.2.3', true)), '10.1.2.3/32');
    assert.equal(parseCidr('10.1.2.3').ok, false);
    assert.equal(parseCidr('10.0.0.0/33').ok, false);
    assert.equal(parseCidr('::/129').ok, false);
    const v4 = cidr('0.0.0.0/0');
    assert.equal(cidrContainsIp(v4, parseIpAddress('203.0.113.9')!), true);
    assert.equal(cidrContainsIp(v4, parseIpAddress('::1')!), false);
    assert.equal(cidrContainsCidr(cidr('10.0.0.0/8'), cidr('10.2.0.0/16')), true);
    assert.equal(cidrContainsCidr(cidr('10.0.0.0/16'), cidr('10.0.0.0/8')), false);
    assert.equal(cidrContainsCidr(cidr('fd00::/8'), cidr('fd12::/16')), true);
  });
});
