import { existsSync } from 'node:fs';
import type { ServiceName } from '@netledger/contracts';
import { openPostgresStoredEvents, openSqliteStoredEvents, type StoredEventSource } from '@netledger/eventlog';
import type { StorageConfig } from '@netledger/runtime';
import { CliError } from '../cli-error.js';

/**
 * A service's log as stored rows (with their hashes), for audit and export: read-only on
 * SQLite, one connection on PostgreSQL (schema `netledger_<service>` unless the config names one).
 */
export function openServiceStoredEvents(storage: StorageConfig, service: ServiceName): StoredEventSource {
  if (storage.kind === 'sqlite') {
    if (!existsSync(storage.file)) throw new CliError(`the ${service} service has no event log at ${storage.file} (start the stack with netledger up, or pass --data-dir)`);
    return openSqliteStoredEvents(storage.file);
  }
  return openPostgresStoredEvents(storage.url, storage.schema ?? `netledger_${service}`);
}
