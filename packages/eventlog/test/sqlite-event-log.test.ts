import { join } from 'node:path';
import { after, before } from 'node:test';
import { openSqliteEventLog } from '@netledger/eventlog';
import { createTempDir, type TempDir } from '@netledger/testkit';
import { eventLogSuite } from './event-log-suite.js';

let dir: TempDir | undefined;
let databases = 0;

before(async () => {
  dir = await createTempDir('netledger-eventlog-sqlite');
});

after(async () => {
  await dir?.remove();
});

eventLogSuite('SQLite event log', async () => {
  if (!dir) throw new Error('temp dir not created: the before hook failed');
  const file = join(dir.path, `log-${++databases}.sqlite`);
  return (service, registry, clock) => openSqliteEventLog({ service, registry, file, ...(clock ? { clock } : {}) });
});
