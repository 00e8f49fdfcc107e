import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildCniNetworkConfig, CniConfigError, readCniNetworkConfig, writeCniNetworkConfig } from '../src/index.js';

test('the written config reads back with the defaults the plugin applies', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nl-rt-cni-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'netledger-cni.conf');
  const config = buildCniNetworkConfig({ podCidr: '10.200.0.0/24', routerIp: '10.200.0.1', ipamDir: '/a/ipam', stateDir: '/a/cni', bpfPinDir: '/sys/fs/bpf/netledger/n1' });
  writeCniNetworkConfig(path, config);
  assert.deepEqual(readCniNetworkConfig(path), config);

  const { routerIP: _r, ...withoutRouter } = config;
  writeFileSync(path, JSON.stringify(withoutRouter));
  assert.equal(readCniNetworkConfig(path).routerIP, '10.200.0.1');
});

test('a config netledger-cni would refuse is a CniConfigError naming the file and the field', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nl-rt-cni-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'bad.conf');
  writeFileSync(path, JSON.stringify({ cniVersion: '1.0.0', name: 'n', type: 'netledger-cni', podCIDR: '10.200.0.1/24', bpfPinDir: '/p' }));
  assert.throws(() => readCniNetworkConfig(path), (e: unknown) => e instanceof CniConfigError && e.path === path && /podCIDR/.test(e.message));
  writeFileSync(path, '{');
  assert.throws(() => readCniNetworkConfig(path), CniConfigError);
});
