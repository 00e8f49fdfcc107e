import { join } from 'node:path';
import { after, before } from 'node:test';
import { openSqliteEventLog } from '@netledger/eventlog';
import { createTempDir, type TempDir } from '@netledger/testkit';
import { openSqliteEventLogWith } from '../src/sqlite/open-sqlite-event-log.js';
import { eventLogSuite, type NewDatabase } from './event-log-suite.js';

let dir: TempDir | undefined;
let databases = 0;

before(async () => {
  dir = await createTempDir('netledger-eventlog-sqlite');
});

after(async () => {
  await dir?.remove();
});

function newFile(): string {
  if (!dir) throw new Error('temp dir not created: the before hook failed');
  return join(dir.path, `log-${++databases}.sqlite`);
}

// As services open it: the writer thread starts with the first append, and the appends made
// while it starts commit on the log's own connection.
eventLogSuite('SQLite event log', async () => {
  const file = newFile();
  return (service, registry, clock) => openSqliteEventLog({ service, registry, file, ...(clock ? { clock } : {}) });
});

// Every commit on the writer thread, so each case checks what comes back from it.
const onWriterThread: NewDatabase = async () => {
  const file = newFile();
  return (service, registry, clock) => openSqliteEventLogWith({ service, registry, file, ...(clock ? { clock } : {}) }, { writerThreadAtOpen: true, allCommitsOnThread: true });
};
eventLogSuite('SQLite event log, every commit on the writer thread', onWriterThread);

// An in-memory database cannot be shared with a writer thread: its appends commit on the log's thread.
eventLogSuite(
  'SQLite event log in memory',
  async () => (service, registry, clock) => openSqliteEventLog({ service, registry, file: ':memory:', ...(clock ? { clock } : {}) }),
  { privateDatabases: true },
);
