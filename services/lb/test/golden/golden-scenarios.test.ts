// Golden scenarios: Kubernetes YAML in, step by step, through MemoryClusterSources into the LB
// domain on a real SQLite log; the events each step appended (and the problems it reported)
// out, compared with <scenario>.expected.json. UPDATE_GOLDEN=1 rewrites the expectations.
//
// Step files of a scenario run in name order: `NN-what.yaml` upserts its documents,
// `NN-what.delete.yaml` deletes them, and `00-*.yaml` is in the cluster before the service
// starts (its initial list). Objects get uid `uid-<kind>-<namespace>-<name>` unless given and a
// fresh resourceVersion at every step.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { Cause, EventEnvelope } from '@netledger/contracts';
import type { EndpointSlice, KubeObject, Service } from '@netledger/k8s';
import { LbHarness } from '../support/lb-harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';
const scenarios = readdirSync(here)
  .filter((n) => statSync(join(here, n)).isDirectory())
  .sort();

interface StepResult {
  readonly step: string;
  readonly events: ReadonlyArray<{ type: string; stream: string; version: number; cause: string; data: unknown }>;
  readonly problems: readonly string[];
}

function describeCause(c: Cause): string {
  return c.kind === 'kubernetes' ? `${c.objectKind} ${c.namespace ? `${c.namespace}/` : ''}${c.name} rv ${c.resourceVersion}` : `command: ${c.command}`;
}

function normalize(e: EventEnvelope): StepResult['events'][number] {
  return { type: e.type, stream: e.stream, version: e.version, cause: describeCause(e.cause), data: e.data };
}

function readObjects(file: string, nextVersion: () => string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null)
    .map((o) => {
      const m = o.metadata;
      const uid = m.uid ?? `uid-${(o.kind ?? 'object').toLowerCase()}-${m.namespace ?? ''}-${m.name}`;
      return { ...o, metadata: { ...m, uid, resourceVersion: nextVersion() } };
    });
}

async function runScenario(name: string): Promise<{ steps: StepResult[]; services: unknown }> {
  const dir = join(here, name);
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const harness = await LbHarness.open();
  let rv = 0;
  const nextVersion = (): string => String(++rv);
  const apply = async (file: string): Promise<void> => {
    const remove = file.endsWith('.delete.yaml');
    const pending: Array<Promise<void>> = [];
    for (const o of readObjects(join(dir, file), nextVersion)) {
      if (o.kind === 'Service') {
        const s = harness.sources.serviceSource;
        pending.push(remove ? s.delete(o as Service) : s.upsert(o as Service));
      } else if (o.kind === 'EndpointSlice') {
        const s = harness.sources.endpointSliceSource;
        pending.push(remove ? s.delete(o as EndpointSlice) : s.upsert(o as EndpointSlice));
      } else {
        throw new Error(`${name}/${file}: kind ${String(o.kind)} is not watched by the lb service`);
      }
    }
    await Promise.all(pending);
  };
  try {
    const steps: StepResult[] = [];
    const initial = files.filter((f) => f.startsWith('00-'));
    for (const f of initial) await apply(f);
    const domain = await harness.start();
    const problems = (): string[] => (domain.status().problems as string[]).slice();
    steps.push({ step: initial.length ? initial.join(', ') : 'start', events: (await harness.newEvents()).map(normalize), problems: problems() });
    for (const f of files.filter((x) => !x.startsWith('00-'))) {
      await apply(f);
      steps.push({ step: f, events: (await harness.newEvents()).map(normalize), problems: problems() });
    }
    const services = await domain.queries().services!(new URLSearchParams());
    return { steps, services };
  } finally {
    await harness.close();
  }
}

describe('lb golden scenarios', () => {
  const written: string[] = [];
  after(() => {
    if (written.length) console.log(`rewrote ${written.join(', ')}`);
  });
  for (const name of scenarios) {
    it(name, async () => {
      const actual = await runScenario(name);
      const file = join(here, `${name}.expected.json`);
      if (update) {
        writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
        written.push(file);
        return;
      }
      const expected = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      assert.deepEqual(JSON.parse(JSON.stringify(actual)), expected);
    });
  }
});
