export type {
  EventLog,
  AppendRequest,
  AppendResult,
  ExpectedVersion,
  LogHead,
  OutboxEntry,
  ReadOptions,
  ReplayOptions,
  RetentionMarker,
  Snapshot,
} from './event-log.js';
export { EventLogError, ConcurrencyError, IdempotencyError, StorageError, StoredEventError, RetentionError, PrunedHistoryError, isConcurrencyError } from './errors.js';
export { openSqliteEventLog, type SqliteEventLogConfig } from './sqlite/open-sqlite-event-log.js';
export { openPostgresEventLog, type PostgresEventLogConfig } from './postgres/open-postgres-event-log.js';
export { rebuildProjection, saveSnapshot, type Projection, type ProjectionState, type RebuildOptions } from './projection.js';
export { chainHash, type HashedFields } from './sql/hash-chain.js';
export { GENESIS_HASH } from './sql/migrate.js';
export { verifyLog, type LogVerification, type LogProblem, type LogProblemKind, type VerifyOptions } from './audit/verify-log.js';
export type { StoredEventSource, StoredEventRow, StoredLogHead, StoredRetention } from './audit/stored-event-source.js';
export { storedEvents } from './audit/stored-events.js';
export { openSqliteStoredEvents } from './audit/sqlite-stored-events.js';
export { openPostgresStoredEvents } from './audit/postgres-stored-events.js';
export { exportLine } from './audit/export-line.js';
export { importLog, type LogImport } from './audit/import-log.js';
export { LogImportError } from './audit/import-errors.js';
export type { StoredEventSink } from './audit/stored-event-sink.js';
export { openSqliteStoredEventSink } from './audit/sqlite-stored-event-sink.js';
export { openPostgresStoredEventSink } from './audit/postgres-stored-event-sink.js';
