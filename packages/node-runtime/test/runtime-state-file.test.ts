import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RuntimeStateError } from '../src/index.js';
import { loadRuntimeState, saveRuntimeState, type PodRecord } from '../src/runtime-state-file.js';

test('the state file round-trips; a missing file is an empty state', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nl-rt-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'sub', 'pods.json');
  assert.equal(loadRuntimeState(path).size, 0);
  const record: PodRecord = {
    uid: 'u1',
    namespace: 'default',
    name: 'echo',
    netns: 'nl-0123456789ab',
    createdAt: 't0',
    ip: '10.200.0.2',
    cniResult: { cniVersion: '1.0.0', ips: [{ address: '10.200.0.2/32' }] },
    containers: [{ name: 'echo', image: 'netledger/echo', pid: 42, startTime: '1000', startedAt: 't1', logFile: '/x.log', logOffset: 0, restartCount: 0 }],
  };
  saveRuntimeState(path, [record]);
  assert.deepEqual([...loadRuntimeState(path).values()], [record]);
});

test('a malformed state file is an error naming it, never an empty state', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nl-rt-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'pods.json');
  writeFileSync(path, '{"version":1,"pods":[{"uid":1}]}');
  assert.throws(() => loadRuntimeState(path), (e: unknown) => e instanceof RuntimeStateError && e.path === path);
  writeFileSync(path, 'not json');
  assert.throws(() => loadRuntimeState(path), RuntimeStateError);
});
