import { createNetledgerRegistry, type ServiceName } from '@netledger/contracts';
import type { EventLog } from '@netledger/eventlog';
import { openEventLog, type DataDir } from '@netledger/runtime';
import { existsSync } from 'node:fs';
import { CliError } from '../cli-error.js';
import { serviceStorage } from '../stack-file.js';

/**
 * Opens a service's event log for reading, where the stack in the data dir keeps it. Reading
 * a SQLite log while the service writes it is safe (WAL); nothing here appends.
 */
export async function openServiceLog(dataDir: DataDir, service: ServiceName): Promise<EventLog> {
  const storage = serviceStorage(dataDir, service);
  if (storage.kind === 'sqlite' && !existsSync(storage.file)) {
    throw new CliError(`the ${service} service has no event log at ${storage.file} (start the stack with netledger up, or pass --data-dir)`);
  }
  return openEventLog(storage, service, createNetledgerRegistry());
}
