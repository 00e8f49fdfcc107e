import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { IpamExhaustedError } from '../src/ipam/ipam-errors.js';
import { IpamStore } from '../src/ipam/ipam-store.js';
import { parseIpv4Cidr } from '../src/ipv4.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function store(cidr: string, routerIP: string, dir?: string): IpamStore {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'nl-ipam-test-'));
  if (!dir) dirs.push(d);
  const podCIDR = parseIpv4Cidr(cidr);
  assert.ok(typeof podCIDR !== 'string');
  return new IpamStore({ dir: d, podCIDR, routerIP });
}

const owner = (containerId: string, ifname = 'eth0') => ({ network: 'n', containerId, ifname });

test('ipam: hands out host addresses, never the network, router or broadcast address, one file each', () => {
  const s = store('10.9.0.0/29', '10.9.0.1');
  const ips = ['a', 'b', 'c', 'd', 'e'].map((c) => s.allocate(owner(c)).ip);
  assert.deepEqual(ips, ['10.9.0.2', '10.9.0.3', '10.9.0.4', '10.9.0.5', '10.9.0.6']);
  assert.throws(() => s.allocate(owner('f')), (e: unknown) => e instanceof IpamExhaustedError && e.code === 100 && /10\.9\.0\.0\/29.*5 allocated/.test(e.message));
  assert.equal(s.list().length, 5);
});

test('ipam: the same container and interface get their address again; another interface gets another one', () => {
  const s = store('10.9.0.0/24', '10.9.0.1');
  const a = s.allocate(owner('a'));
  assert.equal(s.allocate(owner('a')).ip, a.ip);
  assert.notEqual(s.allocate(owner('a', 'eth1')).ip, a.ip);
  assert.equal(s.find(owner('a'))?.ip, a.ip);
});

test('ipam: state is the directory: a new store (a restart) sees every allocation', () => {
  const first = store('10.9.0.0/24', '10.9.0.1');
  const a = first.allocate(owner('a'));
  const b = first.allocate(owner('b'));
  const dir = dirs[dirs.length - 1] as string;
  const restarted = store('10.9.0.0/24', '10.9.0.1', dir);
  assert.equal(restarted.find(owner('a'))?.ip, a.ip);
  assert.equal(restarted.allocate(owner('b')).ip, b.ip);
  const c = restarted.allocate(owner('c'));
  assert.ok(![a.ip, b.ip].includes(c.ip));
  const record = JSON.parse(readFileSync(join(dir, c.ip), 'utf8')) as Record<string, unknown>;
  assert.deepEqual({ ...record, allocatedAt: undefined }, { network: 'n', containerId: 'c', ifname: 'eth0', allocatedAt: undefined });
});

test('ipam: release removes the file; missing is fine; a released address rests while others are free', () => {
  const s = store('10.9.0.0/29', '10.9.0.1');
  const a = s.allocate(owner('a'));
  assert.equal(s.release(owner('a')).length, 1);
  assert.equal(s.release(owner('a')).length, 0);
  assert.equal(s.find(owner('a')), undefined);
  // Round robin from the last handed-out address: not a.ip again while others are free.
  assert.notEqual(s.allocate(owner('b')).ip, a.ip);
});

test('ipam: an exhausted pool frees up after a release', () => {
  const s = store('10.9.0.0/30', '10.9.0.1');
  assert.equal(s.allocate(owner('a')).ip, '10.9.0.2');
  assert.throws(() => s.allocate(owner('b')), IpamExhaustedError);
  s.release(owner('a'));
  assert.equal(s.allocate(owner('b')).ip, '10.9.0.2');
});

test('ipam: a file it cannot parse keeps its address taken; temp files are not records', () => {
  const s = store('10.9.0.0/30', '10.9.0.1');
  const dir = dirs[dirs.length - 1] as string;
  writeFileSync(join(dir, '10.9.0.2'), 'garbage');
  writeFileSync(join(dir, '.tmp-123-abc'), '{}');
  assert.throws(() => s.allocate(owner('a')), IpamExhaustedError);
  assert.equal(s.list().length, 1);
});

test('ipam: 20 processes allocating at once get 20 different addresses', async () => {
  const s = store('10.9.0.0/24', '10.9.0.1');
  const dir = dirs[dirs.length - 1] as string;
  const storeModule = fileURLToPath(new URL('../src/ipam/ipam-store.ts', import.meta.url));
  const ipv4Module = fileURLToPath(new URL('../src/ipv4.ts', import.meta.url));
  const script = `const { IpamStore } = await import(${JSON.stringify(storeModule)}); const { parseIpv4Cidr } = await import(${JSON.stringify(ipv4Module)});
    const st = new IpamStore({ dir: ${JSON.stringify(dir)}, podCIDR: parseIpv4Cidr('10.9.0.0/24'), routerIP: '10.9.0.1' });
    process.stdout.write(st.allocate({ network: 'n', containerId: process.argv[1], ifname: 'eth0' }).ip);`;
  const runOne = (i: number) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, `c${i}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(err))));
    });
  const ips = await Promise.all(Array.from({ length: 20 }, (_, i) => runOne(i)));
  assert.equal(new Set(ips).size, 20, ips.join(' '));
  assert.equal(s.list().length, 20);
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.tmp-')), []);
});
