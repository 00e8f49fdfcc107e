// Golden scenarios: Kubernetes YAML in, policy events out. Each scenario is a folder of steps
// applied in file-name order, compared with `<scenario>.expected.json` (UPDATE_GOLDEN=1 rewrites it).
//
// Step file names: `NN-apply[-what].yaml` upserts every document, `NN-delete[-what].yaml` deletes
// them; `NN-restart[-apply|-delete][-what].yaml` stops the service, makes those changes while it is
// down, and starts a new one on the same log.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { EventEnvelope } from '@netledger/contracts';
import { PolicyHarness, type PolicyManifest } from '../support/policy-harness.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';

interface StepResult {
  readonly step: string;
  readonly events: unknown[];
  /** What is in force and what is rejected after the step: stream → resourceVersion@revision. */
  readonly inForce: Record<string, string>;
  readonly rejected: Record<string, string>;
}

function manifests(file: string): PolicyManifest[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as PolicyManifest | null)
    .filter((d): d is PolicyManifest => d !== null);
}

// Ids and times differ per run; everything else (uids and resourceVersions come from the
// harness, in order) is deterministic.
function normalized(e: EventEnvelope): unknown {
  return { seq: e.seq, type: e.type, stream: e.stream, version: e.version, cause: e.cause, data: e.data };
}

async function runScenario(dir: string): Promise<StepResult[]> {
  const h = PolicyHarness.create();
  try {
    await h.start();
    const results: StepResult[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
      const m = /^\d+-(apply|delete|restart)(?:-(apply|delete))?/.exec(file);
      if (!m) throw new Error(`${file}: step names start with NN-apply, NN-delete or NN-restart`);
      const restart = m[1] === 'restart';
      const action = restart ? (m[2] ?? 'apply') : m[1];
      const from = (await h.lastSeq()) + 1;
      if (restart) await h.stop();
      for (const doc of manifests(join(dir, file))) {
        if (action === 'delete') await h.delete(doc);
        else await h.apply(doc);
      }
      if (restart) await h.start();
      const state = h.domain!.state;
      results.push({
        step: file.replace(/\.yaml$/, ''),
        events: (await h.events(from)).map(normalized),
        inForce: Object.fromEntries(
          Object.entries(state.policies)
            .filter(([, r]) => r.inForce)
            .map(([s, r]) => [s, `${r.inForce!.resourceVersion}@${r.inForce!.revision}`]),
        ),
        rejected: Object.fromEntries(
          Object.entries(state.policies)
            .filter(([, r]) => r.rejected)
            .map(([s, r]) => [s, r.rejected!.resourceVersion]),
        ),
      });
    }
    assert.deepEqual(h.errors, [], 'the domain logged errors');
    return results;
  } finally {
    await h.close();
  }
}

describe('policy golden scenarios', () => {
  const scenarios = readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const written: string[] = [];
  after(() => {
    if (written.length > 0) console.log(`golden files written: ${written.join(', ')}`);
  });

  for (const scenario of scenarios) {
    it(scenario, async () => {
      const actual = await runScenario(join(here, scenario));
      const expectedFile = join(here, `${scenario}.expected.json`);
      if (update || !existsSync(expectedFile)) {
        writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
        written.push(expectedFile);
        if (!update) assert.fail(`${expectedFile} did not exist: written, check it and commit it`);
        return;
      }
      const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as StepResult[];
      assert.deepEqual(JSON.parse(JSON.stringify(actual)), expected);
    });
  }
});
