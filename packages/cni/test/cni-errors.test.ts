// The plugin binary run as a runtime runs it, for the answers that need no privileges:
// VERSION, and the errors found before anything on the machine is touched.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CNI_PLUGIN_PATH, execCni, SUPPORTED_CNI_VERSIONS, type CniErrorResult } from '../src/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'nl-cni-errors-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const config = {
  cniVersion: '1.0.0',
  name: 'nl-test',
  type: 'netledger-cni',
  podCIDR: '10.233.250.0/24',
  ipamDir: join(tmp, 'ipam'),
  stateDir: join(tmp, 'state'),
  bpfPinDir: join(tmp, 'no-programs-here'),
};
const env = { containerId: 'c1', netns: '/var/run/netns/nl-cni-errors-absent', ifname: 'eth0' };

async function expectError(command: string, e: typeof env | Record<string, string>, cfg: unknown, code: number, msg: RegExp, version = '1.0.0'): Promise<void> {
  const r = await execCni(CNI_PLUGIN_PATH, command, e, cfg);
  assert.notEqual(r.exitCode, 0, `exit code of ${command}: ${r.stdout}`);
  const out = r.output as CniErrorResult;
  assert.deepEqual(Object.keys(out).filter((k) => k !== 'details'), ['cniVersion', 'code', 'msg'], r.stdout);
  assert.equal(out.code, code, r.stdout);
  assert.match(out.msg, msg);
  assert.equal(out.cniVersion, version);
}

test('VERSION lists the supported versions, in the version the caller asked for', async () => {
  const r = await execCni(CNI_PLUGIN_PATH, 'VERSION', {}, { cniVersion: '1.0.0' });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(r.output, { cniVersion: '1.0.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0'] });
  assert.deepEqual(SUPPORTED_CNI_VERSIONS, ['0.3.0', '0.3.1', '0.4.0', '1.0.0']);
  const old = await execCni(CNI_PLUGIN_PATH, 'VERSION', {}, { cniVersion: '0.4.0' });
  assert.equal((old.output as { cniVersion: string }).cniVersion, '0.4.0');
  const empty = await execCni(CNI_PLUGIN_PATH, 'VERSION', {}, undefined);
  assert.equal(empty.exitCode, 0);
  assert.equal((empty.output as { cniVersion: string }).cniVersion, '1.0.0');
});

test('bad config: code 7 naming the field, code 6 for text that is not JSON', async () => {
  // Each run is a process start: run them side by side.
  await Promise.all([
    expectError('ADD', env, { ...config, podCIDR: 'x' }, 7, /^podCIDR: "x" is not an IPv4 CIDR$/),
    expectError('ADD', env, { ...config, mtu: 1 }, 7, /^mtu: 1 is not an integer/),
    expectError('ADD', env, { ...config, bpfPinDir: undefined }, 7, /^bpfPinDir: missing$/),
    expectError('DEL', env, { ...config, name: undefined }, 7, /^name: missing$/),
    expectError('CHECK', env, { ...config, routerIP: '192.168.1.1' }, 7, /^routerIP: .* not a host address of podCIDR/),
  ]);
  const r = await execCni(CNI_PLUGIN_PATH, 'ADD', env, undefined);
  assert.equal((r.output as CniErrorResult).code, 6, r.stdout);
});

test('bad version: code 1, for ADD, DEL and CHECK; CHECK with a 0.3.x config too', async () => {
  // Each run is a process start: run them side by side.
  await Promise.all([
    expectError('ADD', env, { ...config, cniVersion: '0.2.0' }, 1, /incompatible CNI versions: config is "0\.2\.0"/),
    expectError('DEL', env, { ...config, cniVersion: '9.9.9' }, 1, /incompatible CNI versions/),
    expectError('CHECK', env, { ...config, cniVersion: '0.3.1' }, 1, /CHECK needs cniVersion 0\.4\.0 or later/, '0.3.1'),
  ]);
});

test('bad environment: code 4 naming the variable', async () => {
  // Each run is a process start: run them side by side.
  await Promise.all([
    expectError('ADD', { ...env, containerId: '' }, config, 4, /^CNI_CONTAINERID: missing$/),
    expectError('ADD', { ...env, netns: '' }, config, 4, /^CNI_NETNS: missing$/),
    expectError('ADD', { ...env, ifname: 'way-too-long-name0' }, config, 4, /^CNI_IFNAME: .* longer than 15 characters$/),
    expectError('GC', env, config, 4, /^CNI_COMMAND: unsupported command "GC"/),
    expectError('STATUS', env, config, 4, /^CNI_COMMAND: unsupported command "STATUS"/),
    expectError('', env, config, 4, /^CNI_COMMAND: missing$/),
  ]);
});

test('programs not pinned: code 11 (try again later) naming the missing pin; nothing is allocated', async () => {
  await expectError('ADD', env, config, 11, /^try again later: the node agent has not loaded the datapath programs \(.*no-programs-here\/progs\/nl_from_pod missing\)$/);
  assert.equal(existsSync(config.ipamDir), false);
  assert.equal(existsSync(config.stateDir), false);
});
