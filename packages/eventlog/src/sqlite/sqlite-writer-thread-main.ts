// Entry of a SQLite log's writer thread (see sqlite-writer-thread.ts): its own connection to
// the log file, running each commit it is sent, one at a time, from BEGIN IMMEDIATE to COMMIT.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { commitSqliteAppend } from './commit-sqlite-append.js';
import { configureSqliteConnection } from './configure-sqlite-connection.js';
import { sqliteAppendIo, type SyncAppendIo } from './sqlite-append-io.js';
import { PartedSqliteCommit } from './parted-sqlite-commit.js';
import {
  decodeGroups,
  encodeOutcomes,
  type FromWriterThread,
  type ToWriterThread,
  type WriterThreadData,
} from './sqlite-writer-thread-protocol.js';
import type { CommittedAppend } from '../sql/append-committer.js';

const port = parentPort;
if (!port) throw new Error('sqlite-writer-thread-main runs only as a worker thread');
const post = (m: FromWriterThread): void => port.postMessage(m);
const data = workerData as WriterThreadData;

function reply(id: number, commit: () => CommittedAppend): FromWriterThread {
  try {
    const c = commit();
    return { kind: 'committed', id, time: c.time, outcomes: encodeOutcomes(c.outcomes), duplicates: [...c.duplicates] };
  } catch (e) {
    // The transaction rolled back; the connection is usable for the next commit.
    return { kind: 'commit-failed', id, message: (e as Error).message };
  }
}

function serve(connection: Database.Database, io: SyncAppendIo): void {
  // The commit being sent in parts: its transaction, or the error that ended it early.
  let parted: { readonly id: number; commit?: PartedSqliteCommit; failure?: Error } | undefined;

  port!.on('message', (m: ToWriterThread) => {
    switch (m.kind) {
      case 'commit':
        post(reply(m.id, () => commitSqliteAppend(io, decodeGroups(m.groups), m.now)));
        break;
      case 'open':
        parted = { id: m.id };
        try {
          parted.commit = new PartedSqliteCommit(io, m.now);
        } catch (e) {
          parted.failure = e as Error;
        }
        break;
      case 'part':
        if (parted?.id !== m.id || !parted.commit) break;
        try {
          parted.commit.add(decodeGroups(m.groups)[0] ?? []);
        } catch (e) {
          parted.commit = undefined;
          parted.failure = e as Error;
        }
        break;
      case 'end': {
        const s = parted?.id === m.id ? parted : undefined;
        parted = undefined;
        post(
          reply(m.id, () => {
            if (!s?.commit) throw s?.failure ?? new Error(`commit ${m.id} was never opened`);
            return s.commit.end();
          }),
        );
        break;
      }
      case 'abort':
        if (parted?.id === m.id) parted.commit?.abort();
        parted = undefined;
        post({ kind: 'aborted', id: m.id });
        break;
      case 'close':
        connection.close();
        post({ kind: 'closed' });
        port!.close();
        break;
    }
  });
  const ready = new Int32Array(data.ready);
  Atomics.store(ready, 0, 1);
  Atomics.notify(ready, 0);
  post({ kind: 'ready' });
}

let db: Database.Database | undefined;
try {
  db = new Database(data.file, { fileMustExist: true });
  configureSqliteConnection(db);
  serve(db, sqliteAppendIo(db));
} catch (e) {
  db?.close();
  post({ kind: 'failed', message: (e as Error).message });
  port.close();
}
