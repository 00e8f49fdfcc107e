#!/usr/bin/env node
// Makes a fresh Debian/Ubuntu checkout ready for `npm start`, `npm test` or `npm run bench`:
// Debian packages (when root), bpffs, npm dependencies, and a check that native addons load.
// Uses only Node built-ins: it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2] ?? 'start';
const isRoot = process.getuid?.() === 0;

function fail(line) {
  console.error(`netledger: ${line}`);
  process.exit(1);
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function postgresBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb')));
  return versions.sort((a, b) => Number(b) - Number(a))[0];
}

// Each entry: Debian package, whether it is present, and which modes need it.
const packages = [
  { pkg: 'nats-server', present: () => have('nats-server') || existsSync('/usr/sbin/nats-server'), modes: ['start', 'test', 'bench'] },
  { pkg: 'postgresql', present: () => postgresBin() !== undefined, modes: ['test', 'bench'] },
  { pkg: 'clang', present: () => have('clang'), modes: ['start', 'test', 'bench'] },
  { pkg: 'llvm', present: () => have('llc') || have('llvm-strip'), modes: ['start', 'test', 'bench'] },
  { pkg: 'libbpf-dev', present: () => existsSync('/usr/include/bpf/bpf_helpers.h'), modes: ['start', 'test', 'bench'] },
  { pkg: 'iproute2', present: () => have('ip') && have('tc'), modes: ['start', 'test', 'bench'] },
  // bpftool creates and pins the agent's maps (the npm bpf package opens pinned maps but cannot pin).
  { pkg: 'bpftool', present: () => have('bpftool') || existsSync('/usr/sbin/bpftool'), modes: ['start', 'test', 'bench'] },
  { pkg: 'iptables', present: () => have('iptables-save'), modes: ['test'] },
  // The metrics test scrapes a process with a real Prometheus and queries a series back.
  { pkg: 'prometheus', present: () => existsSync('/usr/bin/prometheus'), modes: ['test'] },
  // The UI's browser test drives Debian's chromium with playwright-core (no browser download).
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium'), modes: ['test'] },
];

function ensureDebianPackages() {
  const missing = packages.filter((p) => p.modes.includes(mode) && !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (!isRoot || !have('apt-get')) fail(`missing ${missing.join(', ')}: run \`sudo sh -c '${cmd}'\` and try again`);
  console.log(`netledger: installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const r = spawnSync('sh', ['-c', `apt-get update -qq && apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`], {
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) fail(`apt-get could not install ${missing.join(' ')}: run \`${cmd}\` by hand and try again`);
}

// bpffs is where the datapath pins its maps; some machines boot without it mounted.
function ensureBpffs() {
  if (!isRoot || !existsSync('/sys/fs/bpf')) return;
  const mounts = readFileSync('/proc/mounts', 'utf8');
  if (/ \/sys\/fs\/bpf bpf /.test(mounts)) return;
  spawnSync('mount', ['-t', 'bpf', 'bpf', '/sys/fs/bpf'], { stdio: 'ignore' });
}

// npm install runs when package.json files or the lock changed since the last install.
function ensureNodeModules() {
  const hash = createHash('sha256');
  for (const f of manifestFiles()) hash.update(f).update(readFileSync(join(root, f)));
  const want = hash.digest('hex');
  const stamp = join(root, 'node_modules', '.netledger-install-stamp');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  const lock = existsSync(join(root, 'package-lock.json'));
  const args = lock && !existsSync(join(root, 'node_modules')) ? ['ci'] : ['install'];
  console.log(`netledger: npm ${args[0]}`);
  const r = spawnSync('npm', [...args, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail('npm install failed: check the output above, then run `npm install` by hand');
  writeFileSync(stamp, want);
}

function manifestFiles() {
  const out = ['package.json'];
  if (existsSync(join(root, 'package-lock.json'))) out.push('package-lock.json');
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const ws of rootPkg.workspaces ?? []) {
    const f = join(ws, 'package.json');
    if (existsSync(join(root, f))) out.push(f);
  }
  return out;
}

function checkAddons() {
  const require = createRequire(join(root, 'packages', 'eventlog', 'package.json'));
  try {
    const Database = require('better-sqlite3');
    new Database(':memory:').close();
  } catch (e) {
    fail(`the better-sqlite3 native addon does not load (${e.message.split('\n')[0]}): run \`npm rebuild better-sqlite3\``);
  }
  try {
    createRequire(join(root, 'packages', 'datapath', 'package.json'))('bpf');
  } catch (e) {
    fail(`the bpf native addon does not load (${e.message.split('\n')[0]}): run \`npm rebuild bpf\``);
  }
}

// The datapath object (bpf/build/netledger.o): built when missing or older than a file under
// bpf/src or bpf/include. Linux only: elsewhere nothing can load it.
function ensureBpfObject() {
  if (process.platform !== 'linux' || !['start', 'test', 'bench'].includes(mode)) return;
  if (!have('clang')) fail('clang is missing, so the datapath cannot be built: run `sudo apt-get install -y clang llvm libbpf-dev` and try again');
  const r = spawnSync(process.execPath, [join(root, 'bpf', 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
  // build.mjs has printed its own one-line reason.
  if (r.status !== 0) process.exit(1);
}

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) fail(`Node.js ${process.versions.node} is too old: install Node.js 20 or newer`);
if (process.platform === 'linux' && existsSync('/etc/debian_version')) ensureDebianPackages();
ensureBpffs();
ensureBpfObject();
ensureNodeModules();
checkAddons();
