import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createNetledgerRegistry } from '@netledger/contracts';
import { openSqliteEventLog, openSqliteStoredEvents, rebuildProjection, verifyLog, type LogVerification } from '@netledger/eventlog';
import { IdentityDomain, identityProjection } from '@netledger/identity-service';
import { MemoryClusterSources } from '@netledger/k8s';
import { DataDir, parseServiceArgs } from '@netledger/runtime';
import { createTempDir, type TempDir } from '@netledger/testkit';
import { CliError } from '../src/cli-error.js';
import { logExport } from '../src/commands/log-export.js';
import { logImport } from '../src/commands/log-import.js';

describe('netledger log export / log import', () => {
  let dir: TempDir;
  let dataDir: DataDir;

  // The identity service's own log, written by the service's domain from a small cluster.
  before(async () => {
    dir = await createTempDir('netledger-log-export-cli');
    dataDir = new DataDir(dir.path);
    const log = await openSqliteEventLog({ service: 'identity', registry: createNetledgerRegistry(), file: dataDir.serviceDb('identity') });
    const sources = new MemoryClusterSources();
    const domain = new IdentityDomain();
    try {
      await sources.namespaceSource.upsert({ metadata: { name: 'shop', uid: 'ns-shop', resourceVersion: '1', labels: { team: 'blue' } } });
      const pod = (name: string, app: string, ip: string) => ({
        metadata: { namespace: 'shop', name, uid: `uid-${name}`, resourceVersion: '2', labels: { app } },
        spec: { nodeName: 'node-a', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
        status: { phase: 'Running', podIP: ip },
      });
      const config = parseServiceArgs('identity', ['--data-dir', dir.path]);
      assert.ok(config);
      await domain.start({ config, log, sources, logger: { info: () => {}, error: () => {} } });
      for (let i = 1; i <= 20; i++) await sources.podSource.upsert(pod(`p-${i}`, `app-${i % 4}`, `10.0.0.${i}`));
      // A deleted pod: its endpoint is removed (and its identity may be released later).
      await sources.podSource.delete(pod('p-3', 'app-3', '10.0.0.3'));
      await waitFor(async () => (await log.head()).lastSeq >= 20);
    } finally {
      await domain.stop();
      await log.close();
    }
  });

  after(async () => {
    await dir?.remove();
  });

  it('an exported log imported into a new SQLite file verifies, has the same chain head, and rebuilds the same state', async () => {
    const file = join(dir.path, 'identity.ndjson');
    assert.equal(await logExport({ dataDir, service: 'identity', out: file }), 0);
    const target = join(dir.path, 'copy', 'identity.db');
    assert.equal(await logImport({ dataDir, service: 'identity', db: `sqlite:${target}`, file, output: 'json' }), 0);

    const original = await verifySqlite(dataDir.serviceDb('identity'));
    const copy = await verifySqlite(target);
    assert.equal(original.ok, true);
    assert.equal(copy.ok, true, JSON.stringify(copy.problem));
    assert.equal(copy.events, original.events);
    assert.equal(copy.headHash, original.headHash);
    assert.equal(readFileSync(file, 'utf8').trimEnd().split('\n').length, original.events);

    // The service's own projection over each log, from the first event (no snapshot).
    const [a, b] = await Promise.all([stateHash(dataDir.serviceDb('identity')), stateHash(target)]);
    assert.equal(b.hash, a.hash);
    assert.ok(a.identities > 0, 'the state has identities');
  });

  it('refuses a non-empty target and a changed export, with the line named', async () => {
    const file = join(dir.path, 'identity-2.ndjson');
    await logExport({ dataDir, service: 'identity', out: file });
    await assert.rejects(logImport({ dataDir, service: 'identity', db: `sqlite:${dataDir.serviceDb('identity')}`, file, output: 'text' }), (e) => e instanceof CliError && /already has events/.test(e.message));
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    // Backdated by a thousand years: a field the hash covers.
    lines[1] = lines[1]!.replace('"time":"2', '"time":"1');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const target = join(dir.path, 'copy-2', 'identity.db');
    await assert.rejects(logImport({ dataDir, service: 'identity', db: `sqlite:${target}`, file, output: 'text' }), (e) => e instanceof CliError && /line 2: .*does not match its hash/.test(e.message));
    assert.equal((await verifySqlite(target)).events, 0, 'nothing was imported');
  });
});

async function verifySqlite(file: string): Promise<LogVerification> {
  const source = openSqliteStoredEvents(file);
  try {
    return await verifyLog(source);
  } finally {
    await source.close();
  }
}

async function stateHash(file: string): Promise<{ hash: string; identities: number }> {
  const log = await openSqliteEventLog({ service: 'identity', registry: createNetledgerRegistry(), file });
  try {
    const { state } = await rebuildProjection(log, identityProjection, { ignoreSnapshot: true, snapshotEvery: 0 });
    const json = JSON.stringify(identityProjection.toSnapshot!(state));
    return { hash: createHash('sha256').update(json).digest('hex'), identities: state.identities.size };
  } finally {
    await log.close();
  }
}

async function waitFor(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the identity service did not write its events in 5 s');
}
