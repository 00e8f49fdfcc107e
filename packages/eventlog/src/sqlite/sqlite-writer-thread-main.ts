// Entry of a SQLite log's writer thread (see sqlite-writer-thread.ts): its own connection to
// the log file, running each commit it is sent, one at a time, from BEGIN IMMEDIATE to COMMIT.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { commitSqliteAppend } from './commit-sqlite-append.js';
import { configureSqliteConnection } from './configure-sqlite-connection.js';
import { sqliteAppendIo, type SyncAppendIo } from './sqlite-append-io.js';
import { decodeGroups, encodeOutcomes, type FromWriterThread, type ToWriterThread, type WriterThreadData } from './sqlite-writer-thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('sqlite-writer-thread-main runs only as a worker thread');
const post = (m: FromWriterThread): void => port.postMessage(m);
const data = workerData as WriterThreadData;

let db: Database.Database | undefined;
let io: SyncAppendIo | undefined;
try {
  db = new Database(data.file, { fileMustExist: true });
  configureSqliteConnection(db);
  io = sqliteAppendIo(db);
} catch (e) {
  db?.close();
  post({ kind: 'failed', message: (e as Error).message });
  port.close();
}

if (db && io) {
  const connection = db;
  const append = io;
  port.on('message', (m: ToWriterThread) => {
    if (m.kind === 'commit') {
      let reply: FromWriterThread;
      try {
        const committed = commitSqliteAppend(append, decodeGroups(m.groups), m.now);
        reply = { kind: 'committed', id: m.id, time: committed.time, outcomes: encodeOutcomes(committed.outcomes), duplicates: [...committed.duplicates] };
      } catch (e) {
        // The transaction rolled back; the connection is usable for the next commit.
        reply = { kind: 'commit-failed', id: m.id, message: (e as Error).message };
      }
      post(reply);
    } else {
      connection.close();
      post({ kind: 'closed' });
      port.close();
    }
  });
  post({ kind: 'ready' });
}
