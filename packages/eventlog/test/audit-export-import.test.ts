import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  exportLine,
  importLog,
  LogImportError,
  openPostgresEventLog,
  openPostgresStoredEventSink,
  openPostgresStoredEvents,
  openSqliteEventLog,
  openSqliteStoredEventSink,
  openSqliteStoredEvents,
  storedEvents,
  verifyLog,
  type StoredEventSink,
  type StoredEventSource,
} from '@netledger/eventlog';
import { createTempDir, startPostgres, type PostgresServer, type TempDir } from '@netledger/testkit';
import { created, renamed, widgetRegistryV1 } from './widget-events.js';

let dir: TempDir | undefined;
let files = 0;
let server: PostgresServer | undefined;

before(async () => {
  dir = await createTempDir('netledger-audit-export');
  server = await startPostgres({ database: 'audit_export' });
});

after(async () => {
  await server?.stop();
  await dir?.remove();
});

function newFile(): string {
  if (!dir) throw new Error('temp dir not created: the before hook failed');
  return join(dir.path, `log-${++files}.sqlite`);
}

async function sourceLog(): Promise<string> {
  const file = newFile();
  const log = await openSqliteEventLog({ service: 'policy', registry: widgetRegistryV1(), file });
  try {
    await log.append('widget/a', 'no-stream', [created('a'), renamed('a "quoted" \u00e9\u{1F600}')]);
    // A payload whose text must come back byte for byte: nested keys in insertion order, unicode, numbers.
    await log.append('widget/b', 'no-stream', [created('b', 1234567)]);
    for (let i = 0; i < 2500; i++) await log.append('widget/b', 'any', [renamed(`b-${i}`)]);
  } finally {
    await log.close();
  }
  return file;
}

async function exportAll(source: StoredEventSource): Promise<string[]> {
  const lines: string[] = [];
  for await (const row of storedEvents(source, 700)) lines.push(exportLine('policy', row));
  return lines;
}

async function* each(lines: readonly string[]): AsyncIterable<string> {
  yield* lines;
}

async function withSource<T>(source: StoredEventSource, use: (s: StoredEventSource) => Promise<T>): Promise<T> {
  try {
    return await use(source);
  } finally {
    await source.close();
  }
}

async function withSink<T>(sink: StoredEventSink, use: (s: StoredEventSink) => Promise<T>): Promise<T> {
  try {
    return await use(sink);
  } finally {
    await sink.close();
  }
}

describe('export and import (NDJSON)', () => {
  it('a SQLite log exported and imported into a new file verifies with the same chain head and the same events', async () => {
    const from = await sourceLog();
    const lines = await withSource(openSqliteStoredEvents(from), exportAll);
    assert.equal(lines.length, 2503);
    assert.deepEqual(Object.keys(JSON.parse(lines[0]!) as object), ['id', 'service', 'stream', 'version', 'seq', 'type', 'schemaVersion', 'time', 'cause', 'data', 'hash']);

    const to = newFile();
    const imported = await withSink(await openSqliteStoredEventSink(to), (sink) => importLog(sink, 'policy', each(lines)));
    const original = await withSource(openSqliteStoredEvents(from), (s) => verifyLog(s));
    const copy = await withSource(openSqliteStoredEvents(to), (s) => verifyLog(s));
    assert.equal(original.ok, true);
    assert.equal(copy.ok, true, JSON.stringify(copy.problem));
    assert.equal(copy.headHash, original.headHash);
    assert.equal(imported.headHash, original.headHash);
    assert.equal(copy.events, 2503);

    // The imported log is a working log: same events read back, nothing waiting to be published, appends continue the chain.
    const a = await openSqliteEventLog({ service: 'policy', registry: widgetRegistryV1(), file: from });
    const b = await openSqliteEventLog({ service: 'policy', registry: widgetRegistryV1(), file: to });
    try {
      assert.deepEqual(await b.readAll(1), await a.readAll(1));
      assert.equal((await b.head()).outboxBacklog, 0);
      assert.equal((await b.head()).lastHash, original.headHash);
      await b.append('widget/c', 'no-stream', [created('c')]);
    } finally {
      await a.close();
      await b.close();
    }
    assert.equal((await withSource(openSqliteStoredEvents(to), (s) => verifyLog(s))).ok, true);
    // Re-exporting the copy gives the same bytes as the original export.
    assert.deepEqual((await withSource(openSqliteStoredEvents(to), exportAll)).slice(0, lines.length), lines);
  });

  it('refuses a log that has events, and leaves it as it was', async () => {
    const from = await sourceLog();
    const lines = await withSource(openSqliteStoredEvents(from), exportAll);
    await assert.rejects(
      withSink(await openSqliteStoredEventSink(from), (sink) => importLog(sink, 'policy', each(lines))),
      (e) => e instanceof LogImportError && /already has events/.test(e.message),
    );
    assert.equal((await withSource(openSqliteStoredEvents(from), (s) => verifyLog(s))).events, 2503);
  });

  it('rejects a changed, a missing or a foreign line, naming it, and imports nothing', async () => {
    const lines = await withSource(openSqliteStoredEvents(await sourceLog()), exportAll);
    const changed = [...lines];
    changed[41] = changed[41]!.replace('"b-', '"x-');
    const missing = lines.filter((_, i) => i !== 9);
    const foreign = [...lines];
    foreign[0] = foreign[0]!.replace('"service":"policy"', '"service":"lb"');
    for (const [bad, line, reason] of [
      [changed, 42, /does not match its hash/],
      [missing, 10, /seq 11 where 10 was expected/],
      [foreign, 1, /service lb/],
    ] as const) {
      const to = newFile();
      await assert.rejects(
        withSink(await openSqliteStoredEventSink(to), (sink) => importLog(sink, 'policy', each(bad))),
        (e) => e instanceof LogImportError && e.line === line && reason.test(e.message),
      );
      const v = await withSource(openSqliteStoredEvents(to), (s) => verifyLog(s));
      assert.deepEqual([v.ok, v.events], [true, 0]);
    }
  });

  it('imports into PostgreSQL and back: the chain head is the same', async () => {
    if (!server) throw new Error('PostgreSQL test server not started');
    const url = server.connectionString;
    const lines = await withSource(openSqliteStoredEvents(await sourceLog()), exportAll);
    const imported = await withSink(await openPostgresStoredEventSink(url, 'imported'), (sink) => importLog(sink, 'policy', each(lines)));
    const v = await withSource(openPostgresStoredEvents(url, 'imported'), (s) => verifyLog(s));
    assert.equal(v.ok, true, JSON.stringify(v.problem));
    assert.equal(v.headHash, imported.headHash);
    // A second import into it is refused.
    await assert.rejects(withSink(await openPostgresStoredEventSink(url, 'imported'), (sink) => importLog(sink, 'policy', each(lines))), LogImportError);
    // The PostgreSQL log opens and reads as a service would, and exports the same lines.
    const log = await openPostgresEventLog({ service: 'policy', registry: widgetRegistryV1(), connectionString: url, schema: 'imported' });
    try {
      assert.equal((await log.head()).lastSeq, 2503);
    } finally {
      await log.close();
    }
    assert.deepEqual(await withSource(openPostgresStoredEvents(url, 'imported'), exportAll), lines);
  });
});
