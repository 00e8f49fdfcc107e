import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteEventLog } from '@netledger/eventlog';
import { createTempDir } from '@netledger/testkit';
import { created, widgetRegistryV1 } from './widget-events.js';

describe('SQLite schema migration 2 (the log becomes its own outbox)', () => {
  it('keeps unpublished rows of the old outbox table waiting, and drops the table', async () => {
    const tmp = await createTempDir('netledger-migration');
    const file = join(tmp.path, 'policy.db');
    try {
      const log = await openSqliteEventLog({ service: 'policy', registry: widgetRegistryV1(), file });
      for (let i = 1; i <= 5; i++) await log.append(`widget/w${i}`, 'no-stream', [created(`w${i}`)]);
      await log.close();

      // Put the file back in its version-1 shape: events 4 and 5 still waiting in the outbox table.
      const db = new Database(file);
      db.exec(`DROP TABLE outbox_position;
        CREATE TABLE outbox (seq integer PRIMARY KEY, subject text NOT NULL);
        INSERT INTO outbox (seq, subject) VALUES (4, 'x'), (5, 'y');
        DELETE FROM schema_migrations WHERE version = 2;`);
      db.close();

      const reopened = await openSqliteEventLog({ service: 'policy', registry: widgetRegistryV1(), file });
      try {
        assert.equal((await reopened.head()).outboxBacklog, 2);
        assert.deepEqual((await reopened.outboxPeek(10)).map((e) => e.seq), [4, 5]);
        const check = new Database(file, { readonly: true });
        const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").all();
        check.close();
        assert.deepEqual(tables, [], 'the old outbox table is gone');
      } finally {
        await reopened.close();
      }
    } finally {
      await tmp.remove();
    }
  });
});
