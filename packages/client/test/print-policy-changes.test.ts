import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startNats, type TestNats } from '@netledger/testkit';
import type { NatsConnection } from '@netledger/bus';
import { openPolicyLog, type PolicyLog } from './support/policy-log.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = 'examples/subscriber/print-policy-changes.ts';
const WAIT_MS = 60_000;

/** Runs the example; `lines` fills with its stdout lines as they come. */
function runExample(args: string[]): { child: ChildProcess; lines: string[]; stderr: () => string; waitForLines(n: number): Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  let partial = '';
  const waiters: Array<() => void> = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  return {
    child,
    lines,
    stderr: () => err,
    async waitForLines(n) {
      const deadline = Date.now() + WAIT_MS;
      while (lines.length < n) {
        if (child.exitCode !== null) throw new Error(`example exited ${child.exitCode}: ${err}`);
        if (Date.now() > deadline) throw new Error(`example printed ${lines.length} of ${n} lines: ${err}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
  };
}

describe('examples/subscriber/print-policy-changes', () => {
  let nats: TestNats;
  let nc: NatsConnection;
  let policy: PolicyLog;

  before(async () => {
    nats = await startNats({ prefix: 'client-example' });
    nc = await nats.connect('policy-relay');
    policy = await openPolicyLog(nats.dir, nc);
    await policy.append(1, 4);
    assert.equal(await policy.published(), true);
  });

  after(async () => {
    await policy?.close();
    await nats?.stop();
  });

  it('prints one line per policy change, from the start and as they happen, and says where to resume', async () => {
    const run = runExample(['--nats', nats.url, '--from', 'start', '--data-dir', nats.dir]);
    try {
      await run.waitForLines(4);
      await policy.append(5, 1);
      await run.waitForLines(5);
      assert.match(run.lines[0]!, /^\S+Z {2}#1 {2}PolicyAccepted {2}NetworkPolicy ns-1\/p1 {2}in force from revision 1 \(0 subjects\) {2}\[command "client test" by test\]$/);
      assert.match(run.lines[4]!, /#5 {2}PolicyDeleted +NetworkPolicy ns-1\/p1 {2}gone from revision 5/);
    } finally {
      run.child.kill('SIGTERM');
    }
    const [code] = (await once(run.child, 'exit')) as [number | null];
    assert.equal(code, 0, run.stderr());
    assert.match(run.stderr(), /resume with --from 6/);
  });

  it('explains a missing NATS URL', async () => {
    const run = runExample(['--data-dir', `${nats.dir}/nothing-here`]);
    const [code] = (await once(run.child, 'exit')) as [number | null];
    assert.equal(code, 2);
    assert.match(run.stderr(), /no --nats URL and no stack in .*nothing-here/);
  });
});
