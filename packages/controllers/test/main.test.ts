import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startLocalApiServer, type LocalApiServer } from '@netledger/kube-apiserver';
import { eventually } from './harness.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('controllers process', () => {
  let dir: string;
  let api: LocalApiServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netledger-controllers-main-'));
    // The API server writes DIR/kubeconfig, which the process finds through --data-dir alone.
    api = await startLocalApiServer({ dataDir: dir });
  });
  after(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves its status, writes its run file, and removes it when stopped', async () => {
    const env = { ...process.env };
    delete env.KUBECONFIG;
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--data-dir', dir], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const runFile = join(dir, 'run', 'controllers.json');
      const info = await eventually('the run file', async () => (existsSync(runFile) ? JSON.parse(readFileSync(runFile, 'utf8')) : undefined), 30_000);
      assert.equal(info.component, 'controllers');
      assert.equal(info.kind, 'controllers');
      assert.equal(info.pid, child.pid);
      const status = (await (await fetch(`${info.statusUrl}/status`)).json()) as any;
      assert.equal(status.healthy, true);
      assert.equal(status.synced, true);
      assert.equal(status.kubeconfig, join(dir, 'kubeconfig'));
      assert.equal(status.objects.services, 1, 'default/kubernetes');
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
      assert.equal(existsSync(runFile), false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('names a bad flag and exits 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--status-port', 'many'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /^controllers: --status-port: expected an integer from 0 to 65535, got "many"/);
  });
});
