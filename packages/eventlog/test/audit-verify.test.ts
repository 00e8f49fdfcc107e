import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  GENESIS_HASH,
  openPostgresEventLog,
  openPostgresStoredEvents,
  openSqliteEventLog,
  openSqliteStoredEvents,
  verifyLog,
  type EventLog,
  type LogVerification,
} from '@netledger/eventlog';
import { createTempDir, startPostgres, type PostgresServer, type TempDir } from '@netledger/testkit';
import { tamperPostgres, tamperSqlite, verifyAndClose } from './audit-fixtures.js';
import { created, renamed, widgetRegistryV1 } from './widget-events.js';

let dir: TempDir | undefined;
let files = 0;

before(async () => {
  dir = await createTempDir('netledger-audit-verify');
});

after(async () => {
  await dir?.remove();
});

/** A SQLite log of 10 events over three streams (two appends of several events, then single ones). */
async function sqliteLog(): Promise<string> {
  if (!dir) throw new Error('temp dir not created: the before hook failed');
  const file = join(dir.path, `log-${++files}.sqlite`);
  const log = await openSqliteEventLog({ service: 'policy', registry: widgetRegistryV1(), file });
  try {
    await fill(log);
  } finally {
    await log.close();
  }
  return file;
}

async function fill(log: EventLog): Promise<void> {
  await log.append('widget/a', 'no-stream', [created('a'), renamed('a1'), renamed('a2')]);
  await log.append('widget/b', 'no-stream', [created('b', 2)]);
  await log.append('widget/c', 'no-stream', [created('c', 3), renamed('c1')]);
  for (let i = 0; i < 4; i++) await log.append('widget/b', 'any', [renamed(`b${i}`)]);
  await log.saveSnapshot({ name: 'widgets', projectionVersion: 1, seq: 5, state: { count: 3 } });
}

const verifySqlite = (file: string, pageSize?: number): Promise<LogVerification> => verifyAndClose(openSqliteStoredEvents(file), pageSize ? { pageSize } : {});
const tamper = tamperSqlite;

const SWAP_3_AND_6 = ['UPDATE events SET seq = -1 WHERE seq = 3', 'UPDATE events SET seq = 3 WHERE seq = 6', 'UPDATE events SET seq = 6 WHERE seq = -1'];

describe('verifyLog on SQLite', () => {
  it('an untouched log verifies, with a snapshot saved, in pages smaller than the log', async () => {
    const file = await sqliteLog();
    const v = await verifySqlite(file, 3);
    assert.equal(v.ok, true, JSON.stringify(v.problem));
    assert.equal(v.events, 10);
    assert.equal(v.lastSeq, 10);
    assert.equal(v.failures, 0);
    assert.notEqual(v.headHash, GENESIS_HASH);
  });

  it('stops at the head it read first: events appended during the scan are left for the next run', async () => {
    const file = await sqliteLog();
    const real = openSqliteStoredEvents(file);
    try {
      const [seventh] = await real.readAfter(6, 1);
      // As if the head was read when the log had 7 events and 3 were appended while the scan ran.
      const v = await verifyLog({ ...real, head: async () => ({ lastSeq: 7, lastHash: seventh!.hash }) });
      assert.deepEqual([v.ok, v.events, v.lastSeq, v.headHash], [true, 7, 7, seventh!.hash]);
    } finally {
      await real.close();
    }
  });

  it('an empty log verifies', async () => {
    if (!dir) throw new Error('temp dir not created');
    const file = join(dir.path, `empty-${++files}.sqlite`);
    await (await openSqliteEventLog({ service: 'policy', registry: widgetRegistryV1(), file })).close();
    const v = await verifySqlite(file);
    assert.deepEqual([v.ok, v.events, v.headHash], [true, 0, GENESIS_HASH]);
  });

  it('names an event whose payload was updated', async () => {
    const file = await sqliteLog();
    tamper(file, `UPDATE events SET data = '{"name":"evil"}' WHERE seq = 4`);
    const v = await verifySqlite(file, 3);
    assert.equal(v.ok, false);
    assert.equal(v.problem?.kind, 'changed');
    assert.equal(v.problem?.seq, 4);
    assert.equal(v.failures, 1, 'only the changed row fails: each row is checked against the stored hash before it');
  });

  it('names an event that was deleted', async () => {
    const file = await sqliteLog();
    tamper(file, 'DELETE FROM events WHERE seq = 7');
    const v = await verifySqlite(file);
    assert.equal(v.problem?.kind, 'removed');
    assert.equal(v.problem?.seq, 7);
  });

  it('names events deleted from the end of the log (the head still counts them)', async () => {
    const file = await sqliteLog();
    tamper(file, 'DELETE FROM events WHERE seq >= 9');
    const v = await verifySqlite(file);
    assert.equal(v.problem?.kind, 'removed');
    assert.equal(v.problem?.seq, 9);
  });

  it('names the first of two events whose seqs were swapped', async () => {
    const file = await sqliteLog();
    tamper(file, ...SWAP_3_AND_6);
    const v = await verifySqlite(file, 4);
    assert.equal(v.problem?.kind, 'reordered');
    assert.equal(v.problem?.seq, 3);
    assert.match(v.problem?.detail ?? '', /at seq 6/);
  });

  it('names the first of two neighbours whose seqs were swapped', async () => {
    const file = await sqliteLog();
    tamper(file, 'UPDATE events SET seq = -1 WHERE seq = 5', 'UPDATE events SET seq = 5 WHERE seq = 6', 'UPDATE events SET seq = 6 WHERE seq = -1');
    const v = await verifySqlite(file);
    assert.equal(v.problem?.kind, 'reordered');
    assert.equal(v.problem?.seq, 5);
  });

  it('names the last event when its stored hash was changed', async () => {
    const file = await sqliteLog();
    tamper(file, `UPDATE events SET hash = '${'f'.repeat(64)}' WHERE seq = 10`);
    const v = await verifySqlite(file);
    assert.equal(v.ok, false);
    assert.equal(v.problem?.seq, 10);
  });
});

describe('verifyLog on PostgreSQL', () => {
  let server: PostgresServer | undefined;
  before(async () => {
    server = await startPostgres({ database: 'audit_verify' });
  });
  after(async () => {
    await server?.stop();
  });

  async function pgLog(schema: string): Promise<string> {
    if (!server) throw new Error('PostgreSQL test server not started: the before hook failed');
    const log = await openPostgresEventLog({ service: 'policy', registry: widgetRegistryV1(), connectionString: server.connectionString, schema });
    try {
      await fill(log);
    } finally {
      await log.close();
    }
    return server.connectionString;
  }

  const verifyPg = (url: string, schema: string): Promise<LogVerification> => verifyAndClose(openPostgresStoredEvents(url, schema), { pageSize: 4 });

  it('an untouched log verifies', async () => {
    const url = await pgLog('untouched');
    const v = await verifyPg(url, 'untouched');
    assert.deepEqual([v.ok, v.events, v.lastSeq], [true, 10, 10]);
  });

  it('names an updated, a deleted and a swapped event', async () => {
    const url = await pgLog('changed');
    await tamperPostgres(url, 'changed', `UPDATE events SET data = '{"name":"evil"}' WHERE seq = 2`);
    assert.deepEqual(pick(await verifyPg(url, 'changed')), ['changed', 2]);

    const url2 = await pgLog('removed');
    await tamperPostgres(url2, 'removed', 'DELETE FROM events WHERE seq = 8');
    assert.deepEqual(pick(await verifyPg(url2, 'removed')), ['removed', 8]);

    const url3 = await pgLog('reordered');
    await tamperPostgres(url3, 'reordered', ...SWAP_3_AND_6);
    assert.deepEqual(pick(await verifyPg(url3, 'reordered')), ['reordered', 3]);
  });
});

function pick(v: LogVerification): [string | undefined, number | undefined] {
  return [v.problem?.kind, v.problem?.seq];
}
