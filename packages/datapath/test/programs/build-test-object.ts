import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const buildScript = fileURLToPath(new URL('../../../../bpf/scripts/build.mjs', import.meta.url));

/**
 * Builds the datapath object into a temp dir (the tree's bpf/build may be in use by a running
 * agent). `variant` compiles in a different constant, for a "changed object" reload test.
 */
export function buildTestObject(variant?: number): string {
  const out = join(mkdtempSync(join(tmpdir(), 'netledger-bpf-')), 'netledger.o');
  const args = [buildScript, '--out', out, ...(variant === undefined ? [] : [`-DNL_BUILD_VARIANT=${variant}`])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(out)) throw new Error(`building the datapath object failed: ${r.stderr}`);
  return out;
}
