import type { EventRegistry, ServiceName } from '@netledger/contracts';
import { openPostgresEventLog, openSqliteEventLog, type EventLog } from '@netledger/eventlog';
import { ConfigError } from './config-error.js';
import type { DataDir } from './data-dir.js';

/** Where a service keeps its log: a SQLite file (default) or a PostgreSQL database. */
export type StorageConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string };

/**
 * Parses `--db`: empty or `sqlite` (the file in the data dir), `sqlite:PATH`, or a
 * `postgres://` / `postgresql://` URL (the service's tables go in schema `netledger_<service>`).
 */
export function parseStorage(value: string | undefined, service: ServiceName, dataDir: DataDir): StorageConfig {
  if (!value || value === 'sqlite') return { kind: 'sqlite', file: dataDir.serviceDb(service) };
  if (value.startsWith('sqlite:')) {
    const file = value.slice('sqlite:'.length);
    if (!file) throw new ConfigError('db', 'sqlite: needs a file path, e.g. sqlite:/var/lib/netledger/policy.db');
    return { kind: 'sqlite', file };
  }
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', url: value };
  throw new ConfigError('db', `expected sqlite, sqlite:PATH or postgres://..., got ${JSON.stringify(value)}`);
}

/** Opens the log a storage config points at. */
export function openEventLog(storage: StorageConfig, service: ServiceName, registry: EventRegistry): Promise<EventLog> {
  return storage.kind === 'sqlite'
    ? openSqliteEventLog({ service, registry, file: storage.file })
    : openPostgresEventLog({ service, registry, connectionString: storage.url, ...(storage.schema ? { schema: storage.schema } : {}) });
}

/** A description safe to print (no password). */
export function describeStorage(storage: StorageConfig): string {
  return storage.kind === 'sqlite' ? `sqlite:${storage.file}` : storage.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
