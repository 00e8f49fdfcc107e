import type Database from 'better-sqlite3';
import type { EventsTable } from '../sql/schema.js';
import type { OutboxReads } from '../sql/sql-event-log.js';

/** The outbox read on better-sqlite3, with its statements prepared on first use (once the tables exist). */
export function sqliteOutboxReads(db: Database.Database): OutboxReads {
  let statements: { published: Database.Statement; after: Database.Statement } | undefined;
  const get = () =>
    (statements ??= {
      published: db.prepare('SELECT published_seq FROM outbox_position WHERE id = 1').pluck(),
      after: db.prepare('SELECT seq, id, stream, version, type, schema_version, time, cause, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?'),
    });
  return {
    publishedSeq: () => Number(get().published.get()),
    eventsAfter: (afterSeq, limit) => get().after.all(afterSeq, limit) as Array<Omit<EventsTable, 'hash'>>,
  };
}
