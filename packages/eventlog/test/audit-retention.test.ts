import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  LogImportError,
  PrunedHistoryError,
  exportLine,
  importLog,
  openSqliteStoredEventSink,
  openPostgresEventLog,
  openPostgresStoredEvents,
  openSqliteEventLog,
  openSqliteStoredEvents,
  storedEvents,
  type EventLog,
  type LogVerification,
  type StoredEventSource,
} from '@netledger/eventlog';
import { createTempDir, startPostgres, type PostgresServer, type TempDir } from '@netledger/testkit';
import { tamperPostgres, tamperSqlite, verifyAndClose } from './audit-fixtures.js';
import { created, renamed, widgetRegistryV1 } from './widget-events.js';

// Verification after retention: a log of 10 events pruned before seq 5 (a snapshot at seq 6),
// so its chain starts at the marker (seq 4's stored hash) and rows 5..10 remain.

async function fillAndPrune(log: EventLog): Promise<void> {
  await log.append('widget/a', 'no-stream', [created('a'), renamed('a1'), renamed('a2')]);
  await log.append('widget/b', 'no-stream', [created('b', 2)]);
  for (let i = 0; i < 6; i++) await log.append('widget/b', 'any', [renamed(`b${i}`)]);
  await log.outboxAck(10);
  await log.saveSnapshot({ name: 'widgets', projectionVersion: 1, seq: 6, state: { count: 2 } });
  const marker = await log.pruneBefore(5, { reason: 'test retention' });
  assert.equal(marker.throughSeq, 4);
}

// Pages smaller than the log, so the marker check meets page boundaries.
const verify = (source: StoredEventSource): Promise<LogVerification> => verifyAndClose(source, { pageSize: 2 });

function pick(v: LogVerification): [boolean, string | undefined, number | undefined] {
  return [v.ok, v.problem?.kind, v.problem?.seq];
}

describe('verifyLog after retention, SQLite', () => {
  let dir: TempDir | undefined;
  let files = 0;
  before(async () => {
    dir = await createTempDir('netledger-audit-retention');
  });
  after(async () => {
    await dir?.remove();
  });

  async function prunedLog(): Promise<string> {
    if (!dir) throw new Error('temp dir not created: the before hook failed');
    const file = join(dir.path, `log-${++files}.sqlite`);
    const log = await openSqliteEventLog({ service: 'policy', registry: widgetRegistryV1(), file });
    try {
      await fillAndPrune(log);
    } finally {
      await log.close();
    }
    return file;
  }

  it('a pruned log verifies from its marker', async () => {
    const v = await verify(openSqliteStoredEvents(await prunedLog()));
    assert.deepEqual([v.ok, v.events, v.lastSeq, v.prunedThrough, v.failures], [true, 6, 10, 4, 0], JSON.stringify(v.problem));
  });

  it('names an event changed after the prune', async () => {
    const file = await prunedLog();
    tamperSqlite(file, `UPDATE events SET data = '{"name":"evil"}' WHERE seq = 7`);
    assert.deepEqual(pick(await verify(openSqliteStoredEvents(file))), [false, 'changed', 7]);
  });

  it('names the first kept event when it was changed, saying it does not chain from the marker', async () => {
    const file = await prunedLog();
    tamperSqlite(file, `UPDATE events SET data = '{"name":"evil"}' WHERE seq = 5`);
    const v = await verify(openSqliteStoredEvents(file));
    assert.deepEqual(pick(v), [false, 'changed', 5]);
    assert.match(v.problem?.detail ?? '', /retention marker/);
  });

  it('names rows removed after the marker without moving it', async () => {
    const file = await prunedLog();
    tamperSqlite(file, 'DELETE FROM events WHERE seq <= 6');
    const v = await verify(openSqliteStoredEvents(file));
    assert.deepEqual(pick(v), [false, 'removed', 5]);
    assert.match(v.problem?.detail ?? '', /events 5\.\.6 are missing after the retention marker/);
  });

  it('reports a marker whose hash was changed, a marker moved past the rows, and a marker deleted', async () => {
    const changed = await prunedLog();
    tamperSqlite(changed, `UPDATE retention SET through_hash = '${'e'.repeat(64)}'`);
    const v = await verify(openSqliteStoredEvents(changed));
    assert.deepEqual(pick(v), [false, 'changed', 5]);
    assert.match(v.problem?.detail ?? '', /does not chain from the retention marker/);

    const moved = await prunedLog();
    tamperSqlite(moved, 'UPDATE retention SET through_seq = 6');
    assert.deepEqual(pick(await verify(openSqliteStoredEvents(moved))), [false, 'changed', 7], 'row 7 does not chain from a marker claiming seq 6');

    const deleted = await prunedLog();
    tamperSqlite(deleted, 'DELETE FROM retention');
    assert.deepEqual(pick(await verify(openSqliteStoredEvents(deleted))), [false, 'removed', 1]);
  });

  it('an export of a pruned log is refused: storedEvents from the start throws PrunedHistoryError', async () => {
    const source = openSqliteStoredEvents(await prunedLog());
    try {
      await assert.rejects(
        (async () => {
          for await (const _ of storedEvents(source)) void _;
        })(),
        (e: unknown) => e instanceof PrunedHistoryError && e.throughSeq === 4 && e.fromSeq === 1,
      );
    } finally {
      await source.close();
    }
  });

  it('import refuses an export that starts after seq 1, saying why', async () => {
    if (!dir) throw new Error('temp dir not created: the before hook failed');
    const source = openSqliteStoredEvents(await prunedLog());
    const lines = (await source.readAfter(4, 100)).map((r) => exportLine('policy', r));
    await source.close();
    const sink = await openSqliteStoredEventSink(join(dir.path, `import-${++files}.sqlite`));
    try {
      await assert.rejects(
        importLog(sink, 'policy', (async function* () {
          yield* lines;
        })()),
        (e: unknown) => e instanceof LogImportError && e.line === 1 && /starts at seq 5: events 1\.\.4 are not in it/.test(e.message),
      );
    } finally {
      await sink.close();
    }
  });
});

describe('verifyLog after retention, PostgreSQL', () => {
  let server: PostgresServer | undefined;
  before(async () => {
    server = await startPostgres({ database: 'audit_retention' });
  });
  after(async () => {
    await server?.stop();
  });

  async function prunedLog(schema: string): Promise<string> {
    if (!server) throw new Error('PostgreSQL test server not started: the before hook failed');
    const log = await openPostgresEventLog({ service: 'policy', registry: widgetRegistryV1(), connectionString: server.connectionString, schema });
    try {
      await fillAndPrune(log);
    } finally {
      await log.close();
    }
    return server.connectionString;
  }

  it('a pruned log verifies from its marker; a change after it, rows removed past it and a changed marker are named', async () => {
    const url = await prunedLog('pruned');
    const v = await verify(openPostgresStoredEvents(url, 'pruned'));
    assert.deepEqual([v.ok, v.events, v.lastSeq, v.prunedThrough], [true, 6, 10, 4], JSON.stringify(v.problem));

    await prunedLog('changed');
    await tamperPostgres(url, 'changed', `UPDATE events SET data = '{"name":"evil"}' WHERE seq = 8`);
    assert.deepEqual(pick(await verify(openPostgresStoredEvents(url, 'changed'))), [false, 'changed', 8]);

    await prunedLog('removed');
    await tamperPostgres(url, 'removed', 'DELETE FROM events WHERE seq = 5');
    assert.deepEqual(pick(await verify(openPostgresStoredEvents(url, 'removed'))), [false, 'removed', 5]);

    await prunedLog('marker');
    await tamperPostgres(url, 'marker', `UPDATE retention SET through_hash = '${'e'.repeat(64)}'`);
    assert.deepEqual(pick(await verify(openPostgresStoredEvents(url, 'marker'))), [false, 'changed', 5]);
  });
});
