import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { newEventId } from '@netledger/contracts';
import { openPostgresEventLog, type AppendResult, type EventLog } from '@netledger/eventlog';
import { startPostgres, type PostgresServer } from '@netledger/testkit';
import { eventLogSuite } from './event-log-suite.js';
import { created, widgetRegistryV1 } from './widget-events.js';

let server: PostgresServer | undefined;
let schemas = 0;

before(async () => {
  server = await startPostgres({ database: 'eventlog_suite' });
});

after(async () => {
  // Runs even when tests fail; startPostgres also stops the server if the process exits first.
  await server?.stop();
});

function connectionString(): string {
  if (!server) throw new Error('PostgreSQL test server not started: the before hook failed');
  return server.connectionString;
}

eventLogSuite('PostgreSQL event log', async () => {
  const url = connectionString();
  // A fresh schema per database: tests share the server but never each other's tables.
  const schema = `suite_${++schemas}`;
  return (service, registry, clock) => openPostgresEventLog({ service, registry, connectionString: url, schema, ...(clock ? { clock } : {}) });
});

describe('PostgreSQL event log, server side events', () => {
  it('keeps working when the server ends its idle connections', async () => {
    const url = connectionString();
    const log = await openPostgresEventLog({ service: 'policy', registry: widgetRegistryV1(), connectionString: url, schema: 'terminated' });
    try {
      await log.append('widget/t', 'no-stream', [created('t')]);
      await terminateOtherSessions(url);
      // The pool may hand out a connection before it has read the server's goodbye, so the
      // first try can fail; a retry with the same event ids is safe (idempotent append).
      const event = created('t2', 1, newEventId());
      const result = await appendWithRetry(log, 'widget/t', event);
      assert.equal(result.version, 2);
      assert.deepEqual((await log.readStreamForward('widget/t')).map((e) => e.id).slice(1), [event.id]);
    } finally {
      await log.close();
    }
  });
});

async function terminateOtherSessions(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const r = await admin.query<{ ended: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database()`,
    );
    assert.ok(r.rows.length > 0 && r.rows.every((row) => row.ended), 'the log had connections to end');
  } finally {
    await admin.end();
  }
}

async function appendWithRetry(log: EventLog, stream: string, event: ReturnType<typeof created>): Promise<AppendResult> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await log.append(stream, 1, [event]);
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}
