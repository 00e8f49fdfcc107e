// Kubernetes YAML in, BPF maps out: each scenarios/<name>/ runs through a local API server, the
// identity, policy and LB services and a node agent, and the agent's maps are dumped as
// `netledger bpf ...` prints them, then compared with scenarios/<name>/expected.txt.
// UPDATE_GOLDEN=1 rewrites the expectations; review the diff before committing it.
// Every scenario runs on in-memory maps and, when privileged (root, bpffs, bpftool), on kernel
// maps pinned in a throwaway directory: both must give the same expected file.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pinnedMapsUnavailable, removePinDir, tempPinDir } from '../support/pinned-maps.js';
import { runGoldenScenario, type ScenarioDatapath } from './run-golden-scenario.js';

const root = fileURLToPath(new URL('./scenarios/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';
// A whole stack per scenario: generous for a loaded two-core CI machine.
const TEST_TIMEOUT_MS = 150_000;
const scenarios = readdirSync(root)
  .filter((n) => statSync(join(root, n)).isDirectory())
  .sort();

function check(name: string, actual: string): void {
  const expectedFile = join(root, name, 'expected.txt');
  if (update || !existsSync(expectedFile)) {
    writeFileSync(expectedFile, actual);
    if (!update) assert.fail(`${expectedFile} did not exist: written, review it and run again`);
    return;
  }
  assert.equal(actual, readFileSync(expectedFile, 'utf8'), `${name}: the maps differ from expected.txt (UPDATE_GOLDEN=1 rewrites it)`);
}

describe('golden scenarios: YAML -> services -> agent -> map dump', () => {
  describe('in-memory maps', () => {
    for (const name of scenarios) {
      it(name, { timeout: TEST_TIMEOUT_MS }, async () => {
        check(name, await runGoldenScenario(join(root, name), { kind: 'memory' }));
      });
    }
  });

  describe('pinned kernel maps (privileged)', () => {
    for (const name of scenarios) {
      it(name, { timeout: TEST_TIMEOUT_MS }, async (t) => {
        const why = pinnedMapsUnavailable();
        if (why !== undefined) return t.skip(why);
        // The memory run writes expectations; this one only compares, so both adapters agree on one file.
        const expectedFile = join(root, name, 'expected.txt');
        if (!existsSync(expectedFile)) return t.skip(`${expectedFile} is written by the in-memory run first`);
        const pinDir = tempPinDir();
        try {
          const datapath: ScenarioDatapath = { kind: 'pinned', pinDir };
          const actual = await runGoldenScenario(join(root, name), datapath);
          assert.equal(actual, readFileSync(expectedFile, 'utf8'), `${name} on pinned maps differs from expected.txt (written from in-memory maps): the adapters disagree`);
        } finally {
          removePinDir(pinDir);
        }
      });
    }
  });
});
