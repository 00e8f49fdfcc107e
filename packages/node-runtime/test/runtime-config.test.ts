import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@netledger/runtime';
import { DEFAULT_CNI_PLUGIN, parseRuntimeArgs } from '../src/index.js';
import { routerIpOf } from '../src/runtime-config.js';

test('defaults: node from the host name, 10.200.0.0/24, the repo plugin, the node pin dir', () => {
  const c = parseRuntimeArgs([], 'host-1');
  assert.ok(c);
  assert.equal(c.nodeName, 'host-1');
  assert.equal(c.podCidr, '10.200.0.0/24');
  assert.equal(c.routerIp, undefined);
  assert.equal(routerIpOf(c), '10.200.0.1');
  assert.equal(c.cniPlugin, DEFAULT_CNI_PLUGIN);
  assert.match(DEFAULT_CNI_PLUGIN, /packages\/cni\/bin\/netledger-cni$/);
  assert.equal(c.bpfPinDir, '/sys/fs/bpf/netledger/host-1');
  assert.equal(c.statusPort, 0);
  assert.ok(Object.isFrozen(c));
});

test('flags override; the router IP may be given', () => {
  const c = parseRuntimeArgs(['--node', 'n2', '--pod-cidr', '10.9.8.0/26', '--router-ip', '10.9.8.62', '--node-ip', '192.0.2.10', '--status-port', '9000', '--mtu', '9000'], 'h');
  assert.ok(c);
  assert.equal(routerIpOf(c), '10.9.8.62');
  assert.equal(c.nodeIp, '192.0.2.10');
  assert.equal(c.statusPort, 9000);
  assert.equal(c.mtu, 9000);
});

test('malformed flags are ConfigErrors naming the flag', () => {
  const bad: Array<[string[], RegExp]> = [
    [['--node', 'Bad_Name'], /--node: Bad_Name is not a valid node name/],
    [['--pod-cidr', '10.200.0.1/24'], /--pod-cidr: expected an IPv4 prefix/],
    [['--pod-cidr', '10.200.0.0/31'], /--pod-cidr/],
    [['--router-ip', '300.1.1.1'], /--router-ip: expected an IPv4 address/],
    [['--bpf-pin-dir', 'relative'], /--bpf-pin-dir: expected an absolute path/],
    [['--status-port', '70000'], /--status-port/],
  ];
  for (const [args, message] of bad) {
    assert.throws(() => parseRuntimeArgs(args, 'h'), (e: unknown) => e instanceof ConfigError && message.test(e.message), args.join(' '));
  }
});
