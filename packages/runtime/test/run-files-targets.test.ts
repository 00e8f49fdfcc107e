import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataDir, readRunFiles, removeRunFile, writeRunFile } from '@netledger/runtime';

test('a component with a status endpoint gets a Prometheus targets file beside its run file, removed with it', (t) => {
  const dataDir = new DataDir(mkdtempSync(join(tmpdir(), 'netledger-targets-')));
  t.after(() => rmSync(dataDir.root, { recursive: true, force: true }));
  const startedAt = new Date().toISOString();
  writeRunFile(dataDir, { component: 'agent-n1', kind: 'agent', pid: process.pid, statusUrl: 'http://127.0.0.1:45645', startedAt });
  // nats reports its monitoring endpoint, which serves no Prometheus metrics.
  writeRunFile(dataDir, { component: 'nats', kind: 'nats', pid: process.pid, statusUrl: 'http://127.0.0.1:8222', startedAt });

  assert.deepEqual(JSON.parse(readFileSync(dataDir.metricsTargetFile('agent-n1'), 'utf8')), [
    { targets: ['127.0.0.1:45645'], labels: { component: 'agent-n1', kind: 'agent' } },
  ]);
  assert.equal(existsSync(dataDir.metricsTargetFile('nats')), false);
  assert.deepEqual(readRunFiles(dataDir).map((r) => r.component), ['agent-n1', 'nats']);

  removeRunFile(dataDir, 'agent-n1');
  assert.equal(existsSync(dataDir.metricsTargetFile('agent-n1')), false);
  assert.equal(existsSync(dataDir.runFile('agent-n1')), false);
});
