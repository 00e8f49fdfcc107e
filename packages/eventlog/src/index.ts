export type {
  EventLog,
  AppendRequest,
  AppendResult,
  ExpectedVersion,
  LogHead,
  OutboxEntry,
  ReadOptions,
  Snapshot,
} from './event-log.js';
export { EventLogError, ConcurrencyError, IdempotencyError, StorageError, isConcurrencyError } from './errors.js';
export { openSqliteEventLog, type SqliteEventLogConfig } from './sqlite/open-sqlite-event-log.js';
export { openPostgresEventLog, type PostgresEventLogConfig } from './postgres/open-postgres-event-log.js';
export { rebuildProjection, saveSnapshot, type Projection, type ProjectionState, type RebuildOptions } from './projection.js';
export { chainHash, type HashedFields } from './sql/hash-chain.js';
export { GENESIS_HASH } from './sql/migrate.js';
