import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ENDPOINT_KEY_LAYOUT,
  ENDPOINT_VALUE_LAYOUT,
  IPCACHE_KEY_LAYOUT,
  IPCACHE_VALUE_LAYOUT,
  LB4_BACKEND_KEY_LAYOUT,
  LB4_BACKEND_VALUE_LAYOUT,
  LB4_REVNAT_KEY_LAYOUT,
  LB4_REVNAT_VALUE_LAYOUT,
  LB4_SERVICE_KEY_LAYOUT,
  LB4_SERVICE_VALUE_LAYOUT,
  POLICY_KEY_LAYOUT,
  POLICY_VALUE_LAYOUT,
  CT4_KEY_LAYOUT,
  CT4_ENTRY_LAYOUT,
  LB4_AFFINITY_KEY_LAYOUT,
  LB4_AFFINITY_VALUE_LAYOUT,
  SOCK_REVNAT_KEY_LAYOUT,
  SOCK_REVNAT_VALUE_LAYOUT,
  NODE_ADDR_KEY_LAYOUT,
  NODE_ADDR_VALUE_LAYOUT,
  CONFIG_LAYOUT,
  COUNTER_LAYOUT,
  FLOW_RECORD_LAYOUT,
  FLOW_STATE_LAYOUT,
  type StructLayout,
} from '../src/index.js';

const bpfDir = fileURLToPath(new URL('../../../bpf/', import.meta.url));
const header = join(bpfDir, 'include/netledger/maps.h');

const CODEC_LAYOUTS: readonly StructLayout[] = [
  IPCACHE_KEY_LAYOUT,
  IPCACHE_VALUE_LAYOUT,
  ENDPOINT_KEY_LAYOUT,
  ENDPOINT_VALUE_LAYOUT,
  POLICY_KEY_LAYOUT,
  POLICY_VALUE_LAYOUT,
  LB4_SERVICE_KEY_LAYOUT,
  LB4_SERVICE_VALUE_LAYOUT,
  LB4_BACKEND_KEY_LAYOUT,
  LB4_BACKEND_VALUE_LAYOUT,
  LB4_REVNAT_KEY_LAYOUT,
  LB4_REVNAT_VALUE_LAYOUT,
  CT4_KEY_LAYOUT,
  CT4_ENTRY_LAYOUT,
  LB4_AFFINITY_KEY_LAYOUT,
  LB4_AFFINITY_VALUE_LAYOUT,
  SOCK_REVNAT_KEY_LAYOUT,
  SOCK_REVNAT_VALUE_LAYOUT,
  NODE_ADDR_KEY_LAYOUT,
  NODE_ADDR_VALUE_LAYOUT,
  CONFIG_LAYOUT,
  COUNTER_LAYOUT,
  FLOW_RECORD_LAYOUT,
  FLOW_STATE_LAYOUT,
];

type CLayouts = Record<string, { size: number; fields: Record<string, { offset: number; size: number }> }>;

function compiler(): string | undefined {
  return ['clang', 'cc', 'gcc'].find((c) => spawnSync(c, ['--version']).status === 0);
}

/** Struct names and their field names, read from the header itself. */
function headerStructs(): Map<string, string[]> {
  const text = readFileSync(header, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const out = new Map<string, string[]>();
  for (const m of text.matchAll(/struct\s+(nl_\w+)\s*\{([^}]*)\}/g)) {
    const fields = [...m[2]!.matchAll(/^\s*__(?:u8|u16|u32|u64|be16|be32)\s+(\w+)/gm)].map((f) => f[1]!);
    out.set(m[1]!, fields);
  }
  return out;
}

test('layout-check.c prints every struct and field of maps.h', () => {
  const c = readFileSync(join(bpfDir, 'layout/layout-check.c'), 'utf8');
  for (const [struct, fields] of headerStructs()) {
    assert.match(c, new RegExp(`STRUCT\\(${struct}\\)`), `layout-check.c misses struct ${struct}`);
    for (const f of fields) assert.match(c, new RegExp(`FIELD\\(${struct}, ${f}\\)`), `layout-check.c misses ${struct}.${f}`);
  }
});

test('every struct in maps.h has a codec with the same fields', () => {
  const codecs = new Map(CODEC_LAYOUTS.map((l) => [l.struct, l]));
  const structs = headerStructs();
  assert.deepEqual([...codecs.keys()].sort(), [...structs.keys()].sort());
  for (const [struct, fields] of structs) assert.deepEqual(Object.keys(codecs.get(struct)!.fields).sort(), [...fields].sort(), struct);
});

test('codec sizes and offsets match the C compiler (sizeof/offsetof)', (t) => {
  const cc = compiler();
  if (!cc) return t.skip('no C compiler (clang, cc or gcc) on PATH to build bpf/layout/layout-check.c');
  const dir = mkdtempSync(join(tmpdir(), 'netledger-layout-'));
  try {
    const bin = join(dir, 'layout-check');
    const build = spawnSync(cc, ['-Wall', '-Werror', '-I', join(bpfDir, 'include'), '-o', bin, join(bpfDir, 'layout/layout-check.c')], { encoding: 'utf8' });
    if (build.status !== 0 && /linux\/types\.h/.test(build.stderr)) return t.skip('no Linux UAPI headers (linux/types.h, package linux-libc-dev)');
    assert.equal(build.status, 0, `${cc} failed: ${build.stderr}`);
    assert.ok(existsSync(bin));
    const run = spawnSync(bin, { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const c = JSON.parse(run.stdout) as CLayouts;
    assert.deepEqual(Object.keys(c).sort(), CODEC_LAYOUTS.map((l) => l.struct).sort());
    for (const layout of CODEC_LAYOUTS) {
      const actual = c[layout.struct]!;
      assert.deepEqual({ size: layout.size, fields: layout.fields }, { size: actual.size, fields: actual.fields }, layout.struct);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
