import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { CNI_CONFIG_DEFAULTS, CniError, hostVethName, parseCniConfig, parseCniConfigText } from '../src/index.js';
import { parseCniArgs, parseCniCommand, parseCniInvocation } from '../src/cni-env.js';
import { parseIpv4Cidr } from '../src/ipv4.js';

const base = {
  cniVersion: '1.0.0',
  name: 'netledger',
  type: 'netledger-cni',
  podCIDR: '10.200.0.0/24',
  ipamDir: '/var/lib/netledger/ipam',
  stateDir: '/run/netledger/cni',
  bpfPinDir: '/sys/fs/bpf/netledger/node-1',
  mtu: 1500,
};

function cniError(fn: () => unknown, code: number, msg: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CniError, `expected a CniError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, msg);
    return true;
  });
}

test('config: the contract example parses, routerIP defaults to the first host address, the result is frozen', () => {
  const c = parseCniConfig(base);
  assert.equal(c.cniVersion, '1.0.0');
  assert.equal(c.podCIDR.text, '10.200.0.0/24');
  assert.equal(c.podCIDR.size, 256);
  assert.equal(c.routerIP, '10.200.0.1');
  assert.equal(c.bpfPinDir, '/sys/fs/bpf/netledger/node-1');
  assert.ok(Object.isFrozen(c));
});

test('config: ipamDir, stateDir and mtu default; routerIP may be any host address; unknown fields are ignored', () => {
  const { ipamDir: _i, stateDir: _s, mtu: _m, ...rest } = base;
  const c = parseCniConfig({ ...rest, routerIP: '10.200.0.254', runtimeConfig: {}, args: {}, capabilities: {} });
  assert.equal(c.ipamDir, CNI_CONFIG_DEFAULTS.ipamDir);
  assert.equal(c.stateDir, CNI_CONFIG_DEFAULTS.stateDir);
  assert.equal(c.mtu, 1500);
  assert.equal(c.routerIP, '10.200.0.254');
});

test('config: each invalid field is code 7 naming the field', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ podCIDR: 'x' }, /^podCIDR: "x" is not an IPv4 CIDR$/],
    [{ podCIDR: '10.200.0.0/33' }, /^podCIDR: .* is not an IPv4 CIDR/],
    [{ podCIDR: '10.200.0.5/24' }, /^podCIDR: .*host bits set.*10\.200\.0\.0\/24/],
    [{ podCIDR: '10.200.0.0/31' }, /^podCIDR: .*too small/],
    [{ podCIDR: undefined }, /^podCIDR: missing$/],
    [{ name: undefined }, /^name: missing$/],
    [{ name: 'has space' }, /^name: "has space" is not a network name/],
    [{ type: 7 }, /^type: 7 is not a non-empty string$/],
    [{ routerIP: '10.201.0.1' }, /^routerIP: "10\.201\.0\.1" is not a host address of podCIDR 10\.200\.0\.0\/24$/],
    [{ routerIP: '10.200.0.255' }, /^routerIP: .* is not a host address/],
    [{ routerIP: 'nope' }, /^routerIP: "nope" is not an IPv4 address$/],
    [{ ipamDir: 'relative/dir' }, /^ipamDir: "relative\/dir" is not an absolute path$/],
    [{ stateDir: '' }, /^stateDir: "" is not a non-empty string$/],
    [{ bpfPinDir: undefined }, /^bpfPinDir: missing$/],
    [{ mtu: 10 }, /^mtu: 10 is not an integer from 68 to 65535$/],
    [{ mtu: '1500' }, /^mtu: "1500" is not an integer/],
    [{ cniVersion: undefined }, /^cniVersion: missing$/],
  ];
  for (const [patch, msg] of cases) cniError(() => parseCniConfig({ ...base, ...patch }), 7, msg);
  cniError(() => parseCniConfig([base]), 7, /not a JSON object/);
});

test('config: an unsupported cniVersion is code 1 listing the supported ones; text that is not JSON is code 6', () => {
  for (const v of ['0.2.0', '1.1.0', '2.0.0', 1]) {
    cniError(() => parseCniConfig({ ...base, cniVersion: v }), 1, /incompatible CNI versions.*"0\.3\.0","0\.3\.1","0\.4\.0","1\.0\.0"/);
  }
  for (const v of ['0.3.0', '0.3.1', '0.4.0']) assert.equal(parseCniConfig({ ...base, cniVersion: v }).cniVersion, v);
  cniError(() => parseCniConfigText('{not json'), 6, /network config on stdin is not JSON/);
});

test('env: the command, container id, netns and interface name are checked (code 4 naming the variable)', () => {
  assert.equal(parseCniCommand({ CNI_COMMAND: 'VERSION' }), 'VERSION');
  cniError(() => parseCniCommand({}), 4, /^CNI_COMMAND: missing$/);
  cniError(() => parseCniCommand({ CNI_COMMAND: 'GC' }), 4, /^CNI_COMMAND: unsupported command "GC"/);
  cniError(() => parseCniCommand({ CNI_COMMAND: 'STATUS' }), 4, /unsupported command/);
  const ok = { CNI_CONTAINERID: 'abc-1_2.3', CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0', CNI_ARGS: 'K8S_POD_NAMESPACE=ns;K8S_POD_NAME=p;IgnoreUnknown=1' };
  const inv = parseCniInvocation('ADD', ok);
  assert.equal(inv.containerId, 'abc-1_2.3');
  assert.equal(inv.args.get('K8S_POD_NAME'), 'p');
  cniError(() => parseCniInvocation('ADD', { ...ok, CNI_CONTAINERID: '' }), 4, /^CNI_CONTAINERID: missing$/);
  cniError(() => parseCniInvocation('ADD', { ...ok, CNI_CONTAINERID: '-x' }), 4, /^CNI_CONTAINERID: "-x" is not a container id/);
  cniError(() => parseCniInvocation('ADD', { ...ok, CNI_NETNS: '' }), 4, /^CNI_NETNS: missing$/);
  cniError(() => parseCniInvocation('CHECK', { ...ok, CNI_NETNS: undefined }), 4, /^CNI_NETNS: missing$/);
  cniError(() => parseCniInvocation('ADD', { ...ok, CNI_NETNS: 'x' }), 4, /^CNI_NETNS: "x" is not an absolute path$/);
  cniError(() => parseCniInvocation('ADD', { ...ok, CNI_IFNAME: 'a-very-long-ifname' }), 4, /^CNI_IFNAME: .* longer than 15/);
  cniError(() => parseCniInvocation('ADD', { ...ok, CNI_IFNAME: 'eth 0' }), 4, /^CNI_IFNAME: .* whitespace/);
  cniError(() => parseCniInvocation('ADD', { ...ok, CNI_IFNAME: '' }), 4, /^CNI_IFNAME: "" is missing$/);
  assert.equal(parseCniInvocation('DEL', { ...ok, CNI_NETNS: '' }).netns, undefined);
  cniError(() => parseCniArgs('A=1;B'), 4, /^CNI_ARGS: "B" is not KEY=VALUE$/);
});

test('hostVethName: nl + 11 hex of sha256(containerId/ifname), fits the kernel limit', () => {
  const name = hostVethName('abc', 'eth0');
  assert.equal(name, 'nl' + createHash('sha256').update('abc/eth0').digest('hex').slice(0, 11));
  assert.equal(name.length, 13);
  assert.notEqual(hostVethName('abc', 'eth1'), name);
  assert.equal(hostVethName('abc', 'eth0'), name);
});

test('ipv4: CIDRs parse to network and size', () => {
  const c = parseIpv4Cidr('10.200.0.0/24');
  assert.ok(typeof c !== 'string');
  assert.equal(c.size, 256);
  assert.equal(parseIpv4Cidr('0.0.0.0/0') !== 'is not an IPv4 CIDR', true);
  assert.equal(typeof parseIpv4Cidr('10.200.0/24'), 'string');
  assert.equal(typeof parseIpv4Cidr('10.200.0.256/24'), 'string');
  assert.equal(typeof parseIpv4Cidr('10.200.0.01/32'), 'string');
});
