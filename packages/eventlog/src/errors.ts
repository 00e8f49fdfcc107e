import type { ExpectedVersion } from './event-log.js';

/** Base of every error the event log throws. */
export abstract class EventLogError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Optimistic concurrency: the stream moved on since the writer read it. */
export class ConcurrencyError extends EventLogError {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${stream}: expected version ${String(expected)}, actual version ${actual}`);
  }
}

/** Some event ids of a request are stored and some are not, or they are stored elsewhere: not a clean retry. */
export class IdempotencyError extends EventLogError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor(
    readonly stream: string,
    readonly eventId: string,
    /** Why the id conflicts, as the message ends (kept so the error can be re-created elsewhere). */
    readonly reason: string,
  ) {
    super(`stream ${stream}: event ${eventId} ${reason}`);
  }
}

/** The database could not be opened, migrated or written, or the log's writer thread is gone. */
export class StorageError extends EventLogError {
  readonly code = 'STORAGE';
  constructor(
    readonly location: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${location}: ${message}`, options);
  }
}

/**
 * A stored event row cannot be read as an envelope: a column has the wrong type or shape, or its
 * cause or data is not JSON. The row was changed outside the log (the log never writes such a row).
 */
export class StoredEventError extends EventLogError {
  readonly code = 'STORED_EVENT_INVALID';
  constructor(
    /** The log (file path or redacted URL). */
    readonly location: string,
    readonly seq: number,
    /** The envelope field at fault: seq, id, stream, version, type, schemaVersion, time, cause or data. */
    readonly field: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${location}: stored event seq ${seq}: field ${field}: ${problem}`, options);
  }
}

/** pruneBefore refused: removing those events could lose state or unpublished events. */
export class RetentionError extends EventLogError {
  readonly code = 'RETENTION_REFUSED';
  constructor(
    readonly location: string,
    /** The first seq the prune would have kept. */
    readonly beforeSeq: number,
    readonly reason: string,
  ) {
    super(`${location}: cannot remove the events before seq ${beforeSeq}: ${reason}`);
  }
}

/** Events asked for were removed by retention (pruneBefore): only a snapshot at or after `throughSeq` has their effect. */
export class PrunedHistoryError extends EventLogError {
  readonly code = 'HISTORY_PRUNED';
  constructor(
    readonly location: string,
    /** The first seq asked for. */
    readonly fromSeq: number,
    /** The last removed seq: the log starts after it. */
    readonly throughSeq: number,
  ) {
    super(
      `${location}: events 1..${throughSeq} were removed by retention, so reading from seq ${fromSeq} is not possible; ` +
        `start from a snapshot at or after seq ${throughSeq}`,
    );
  }
}

export function isConcurrencyError(e: unknown): e is ConcurrencyError {
  return e instanceof ConcurrencyError;
}
