import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createNetledgerRegistry, type NewEvent } from '@netledger/contracts';
import { openSqliteEventLog } from '@netledger/eventlog';
import { DataDir } from '@netledger/runtime';
import { createTempDir, type TempDir } from '@netledger/testkit';
import { auditVerify } from '../src/commands/audit-verify.js';

const CAUSE = { kind: 'command', command: 'audit test', actor: 'tester' } as const;

function allocated(id: number): NewEvent {
  return { type: 'IdentityAllocated', data: { id, scope: 'cluster', labels: [`k8s:app=app-${id}`] }, cause: CAUSE };
}

describe('netledger audit verify', () => {
  let dir: TempDir;
  let dataDir: DataDir;

  before(async () => {
    dir = await createTempDir('netledger-audit-verify-cli');
    dataDir = new DataDir(dir.path);
    // Only identity has events; the policy and lb logs exist and are empty (as right after up).
    for (const service of ['identity', 'policy', 'lb'] as const) {
      const log = await openSqliteEventLog({ service, registry: createNetledgerRegistry(), file: dataDir.serviceDb(service) });
      if (service === 'identity') for (let id = 256; id < 262; id++) await log.append(`identity/${id}`, 'no-stream', [allocated(id)]);
      await log.close();
    }
  });

  after(async () => {
    await dir?.remove();
  });

  async function run(service?: string): Promise<{ code: number; text: string }> {
    const out: string[] = [];
    const code = await auditVerify({ dataDir, service, output: 'text', write: (t) => out.push(t) });
    return { code, text: out.join('\n') };
  }

  it('every untouched log verifies: exit code 0', async () => {
    const { code, text } = await run();
    assert.equal(code, 0, text);
    assert.match(text, /^identity\s+6\s+6\s+ok$/m);
    assert.match(text, /^policy\s+0\s+0\s+ok$/m);
  });

  it('a changed event fails its service with the event named: exit code 1', async () => {
    const db = new Database(dataDir.serviceDb('identity'));
    db.prepare(`UPDATE events SET data = replace(data, 'app-259', 'evil') WHERE seq = 4`).run();
    db.close();
    const { code, text } = await run();
    assert.equal(code, 1);
    assert.match(text, /^identity\s+6\s+6\s+FAILED: changed at seq 4$/m);
    assert.match(text, /^lb\s+0\s+0\s+ok$/m);
    // --service limits the check to one log.
    assert.equal((await run('policy')).code, 0);
  });

  it('a missing log is reported and fails', async () => {
    const empty = new DataDir(join(dir.path, 'nothing-here'));
    const out: string[] = [];
    const code = await auditVerify({ dataDir: empty, service: 'lb', output: 'text', write: (t) => out.push(t) });
    assert.equal(code, 1);
    assert.match(out.join('\n'), /^lb\s+-\s+-\s+UNREADABLE$/m);
    assert.match(out.join('\n'), /lb service has no event log/);
  });
});
