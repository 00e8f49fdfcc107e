import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ChangeEvent, ChangeType } from './change-event.js';
import type { StoredObject } from './kube-object.js';
import type { PersistedState, StatePersistence } from './state-persistence.js';

/** The state database could not be opened, read or written. */
export class StateStorageError extends Error {
  readonly code = 'APISERVER_STORAGE';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
    this.name = 'StateStorageError';
  }
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS objects (
  resource TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  resource_version INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (resource, namespace, name)
);
CREATE TABLE IF NOT EXISTS changes (
  resource_version INTEGER PRIMARY KEY,
  resource TEXT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  previous TEXT
);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

interface ChangeRow {
  resource_version: number;
  resource: string;
  type: string;
  body: string;
  previous: string | null;
}

/**
 * SQLite persistence for the API server's objects.
 *
 * WAL with synchronous=FULL: an acknowledged write (the HTTP 201) survives a crash, which tests of
 * restart behaviour rely on; the server's write rate is small enough that the fsync per commit is fine.
 */
export class SqliteStatePersistence implements StatePersistence {
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly record: Database.Statement;
  private readonly trim: Database.Statement;
  private readonly setRv: Database.Statement;

  private constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO objects (resource, namespace, name, resource_version, body) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (resource, namespace, name) DO UPDATE SET resource_version = excluded.resource_version, body = excluded.body`,
    );
    this.remove = db.prepare('DELETE FROM objects WHERE resource = ? AND namespace = ? AND name = ?');
    this.record = db.prepare('INSERT INTO changes (resource_version, resource, type, body, previous) VALUES (?, ?, ?, ?, ?)');
    this.trim = db.prepare('DELETE FROM changes WHERE resource_version <= ?');
    this.setRv = db.prepare(
      `INSERT INTO meta (key, value) VALUES ('resourceVersion', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
  }

  static open(file: string): SqliteStatePersistence {
    try {
      mkdirSync(dirname(file), { recursive: true });
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
      return new SqliteStatePersistence(db, file);
    } catch (cause) {
      throw new StateStorageError(file, `cannot open API server state: ${(cause as Error).message}`, { cause });
    }
  }

  load(): PersistedState {
    try {
      const rvRow = this.db.prepare(`SELECT value FROM meta WHERE key = 'resourceVersion'`).get() as { value: string } | undefined;
      const objects = (this.db.prepare('SELECT resource, body FROM objects ORDER BY resource, namespace, name').all() as {
        resource: string;
        body: string;
      }[]).map((row) => ({ resource: row.resource, object: JSON.parse(row.body) as StoredObject }));
      const history = (this.db.prepare('SELECT * FROM changes ORDER BY resource_version').all() as ChangeRow[]).map(toChange);
      return { resourceVersion: rvRow ? Number(rvRow.value) : 0, objects, history };
    } catch (cause) {
      throw new StateStorageError(this.file, `cannot load API server state: ${(cause as Error).message}`, { cause });
    }
  }

  commit(changes: readonly ChangeEvent[], historyFloor: number): void {
    const last = changes[changes.length - 1];
    if (last === undefined) return;
    const run = this.db.transaction(() => {
      for (const change of changes) {
        const { object } = change;
        const namespace = object.metadata.namespace ?? '';
        const body = JSON.stringify(object);
        if (change.type === 'DELETED') this.remove.run(change.resource, namespace, object.metadata.name);
        else this.upsert.run(change.resource, namespace, object.metadata.name, change.resourceVersion, body);
        this.record.run(
          change.resourceVersion,
          change.resource,
          change.type,
          body,
          change.previous ? JSON.stringify(change.previous) : null,
        );
      }
      this.trim.run(historyFloor);
      this.setRv.run(String(last.resourceVersion));
    });
    try {
      run();
    } catch (cause) {
      throw new StateStorageError(this.file, `cannot commit resourceVersion ${last.resourceVersion}: ${(cause as Error).message}`, {
        cause,
      });
    }
  }

  close(): void {
    this.db.close();
  }
}

function toChange(row: ChangeRow): ChangeEvent {
  return {
    resourceVersion: row.resource_version,
    resource: row.resource,
    type: row.type as ChangeType,
    object: JSON.parse(row.body) as StoredObject,
    ...(row.previous !== null ? { previous: JSON.parse(row.previous) as StoredObject } : {}),
  };
}
