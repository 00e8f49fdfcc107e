import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createNetledgerRegistry, type NewEvent } from '@netledger/contracts';
import { openSqliteEventLog, rebuildProjection, saveSnapshot } from '@netledger/eventlog';
import { identityProjection } from '@netledger/identity-service';
import { DataDir } from '@netledger/runtime';
import { createTempDir, type TempDir } from '@netledger/testkit';
import { auditVerify } from '../src/commands/audit-verify.js';
import { logPrune } from '../src/commands/log-prune.js';
import { CliError, UsageError } from '../src/cli-error.js';

const CAUSE = { kind: 'command', command: 'prune test', actor: 'tester' } as const;

function allocated(id: number): NewEvent {
  return { type: 'IdentityAllocated', data: { id, scope: 'cluster', labels: [`k8s:app=app-${id}`] }, cause: CAUSE };
}

describe('netledger log prune', () => {
  let dir: TempDir;
  let dataDir: DataDir;

  before(async () => {
    dir = await createTempDir('netledger-log-prune-cli');
    dataDir = new DataDir(dir.path);
    const log = await openSqliteEventLog({ service: 'identity', registry: createNetledgerRegistry(), file: dataDir.serviceDb('identity') });
    for (let id = 256; id < 266; id++) await log.append(`identity/${id}`, 'no-stream', [allocated(id)]);
    await log.outboxAck(10);
    // The service's own snapshot, at seq 6.
    const at6 = await rebuildProjection(log, identityProjection, { untilSeq: 6, ignoreSnapshot: true, snapshotEvery: 0 });
    await saveSnapshot(log, identityProjection, at6.state, at6.seq);
    await log.close();
  });

  after(async () => {
    await dir?.remove();
  });

  const prune = (before: string | undefined): Promise<number> => logPrune({ dataDir, service: 'identity', before, reason: 'test retention', output: 'json' });

  async function verify(): Promise<string> {
    const out: string[] = [];
    await auditVerify({ dataDir, service: 'identity', output: 'text', write: (t) => out.push(t) });
    return out.join('\n');
  }

  it('refuses bad flags and a prune the snapshot does not cover, naming the snapshot', async () => {
    await assert.rejects(prune(undefined), (e: unknown) => e instanceof UsageError && /--before/.test(e.message));
    await assert.rejects(prune('x'), UsageError);
    await assert.rejects(logPrune({ dataDir, service: 'nope', before: '3', reason: undefined, output: 'text' }), /--service nope/);
    await assert.rejects(prune('9'), (e: unknown) => e instanceof CliError && /snapshot identity-state \(at seq 6\)/.test(e.message));
    assert.match(await verify(), /^identity\s+10\s+10\s+ok$/m, 'nothing was removed');
  });

  it('removes the events before the point; verify starts from the marker and still catches tampering after it', async () => {
    assert.equal(await prune('7'), 0);
    assert.match(await verify(), /^identity\s+4\s+10\s+ok \(pruned through seq 6\)$/m);
    const db = new Database(dataDir.serviceDb('identity'));
    db.prepare(`UPDATE events SET data = replace(data, 'app-264', 'evil') WHERE seq = 9`).run();
    db.close();
    assert.match(await verify(), /^identity\s+4\s+10\s+FAILED: changed at seq 9 \(pruned through seq 6\)$/m);
  });
});
