#!/usr/bin/env node
// Builds the datapath object bpf/build/netledger.o from bpf/src/netledger.c (clang -target bpf).
//   node bpf/scripts/build.mjs             always build
//   node bpf/scripts/build.mjs --if-stale  only when the object is missing or older than a file
//                                          under bpf/src or bpf/include (the bootstrap uses it)
//   --out PATH    write the object there instead (tests build their own)
//   -DNAME=VALUE  passed to clang (tests build a "changed" object with -DNL_BUILD_VARIANT=n)
// Node built-ins only: it runs from the bootstrap, possibly before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { arch } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bpfDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(bpfDir, 'src', 'netledger.c');
const argv = process.argv.slice(2);
const outAt = argv.indexOf('--out');
const output = outAt >= 0 && argv[outAt + 1] ? argv[outAt + 1] : join(bpfDir, 'build', 'netledger.o');
const defines = argv.filter((a) => a.startsWith('-D'));

/** Debian's multiarch include dir holds asm/types.h, which linux/types.h needs under -target bpf. */
function multiarchInclude() {
  const triple = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[arch()];
  return triple ? [`-I/usr/include/${triple}`] : [];
}

function newestInput() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(bpfDir, 'src'));
  walk(join(bpfDir, 'include'));
  return newest;
}

function fail(line) {
  console.error(`netledger: ${line}`);
  process.exit(1);
}

if (argv.includes('--if-stale') && existsSync(output) && statSync(output).mtimeMs >= newestInput()) process.exit(0);
if (spawnSync('clang', ['--version'], { stdio: 'ignore' }).status !== 0) {
  fail('clang is not installed: run `sudo apt-get install -y clang llvm libbpf-dev` and try again');
}
if (!existsSync('/usr/include/bpf/bpf_helpers.h')) fail('libbpf headers are missing: run `sudo apt-get install -y libbpf-dev` and try again');
mkdirSync(dirname(output), { recursive: true });
// Written beside the target and renamed: a loader never reads a half-written object.
const partial = `${output}.${process.pid}.tmp`;
const args = ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-Wall', '-Werror', ...defines, '-I', join(bpfDir, 'include'), ...multiarchInclude(), '-c', source, '-o', partial];
const r = spawnSync('clang', args, { stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(partial, { force: true });
  fail(`clang could not build ${source} (see above)`);
}
renameSync(partial, output);
console.log(`netledger: built ${output}`);
