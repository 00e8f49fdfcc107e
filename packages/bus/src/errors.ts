import type { ServiceName } from '@netledger/contracts';

/** Base of every error the bus package throws; `code` is stable for programs, `message` is for people. */
export abstract class BusError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No nats-server binary where we looked. The message is the one-line fix. */
export class NatsNotInstalledError extends BusError {
  readonly code = 'NATS_NOT_INSTALLED';
  constructor(
    readonly tried: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`nats-server not found (looked for ${tried.join(', ')}): run apt-get install nats-server`, options);
  }
}

/** nats-server exited or never became healthy. `logTail` holds its last log lines. */
export class NatsServerStartError extends BusError {
  readonly code = 'NATS_SERVER_START_FAILED';
  constructor(
    readonly storeDir: string,
    readonly port: number,
    reason: string,
    readonly logTail: readonly string[],
    options?: { cause?: unknown },
  ) {
    const tail = logTail.length > 0 ? `\n${logTail.join('\n')}` : '';
    super(`nats-server on port ${port} with store ${storeDir}: ${reason}${tail}`, options);
  }
}

/** The service's JetStream stream could not be created or brought to the expected configuration. */
export class StreamProvisionError extends BusError {
  readonly code = 'STREAM_PROVISION_FAILED';
  constructor(
    readonly stream: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`JetStream stream ${stream}: ${reason}`, options);
  }
}

/**
 * The JetStream stream no longer mirrors the event log: it holds messages the log does not
 * (another writer, or a wiped log), or a different event at the same sequence. The relay
 * stops publishing rather than interleave two histories.
 */
export class StreamDivergedError extends BusError {
  readonly code = 'STREAM_DIVERGED';
  constructor(
    readonly service: ServiceName,
    readonly stream: string,
    readonly streamSeq: number,
    readonly logSeq: number,
    reason: string,
  ) {
    super(`${service} relay: stream ${stream} (seq ${streamSeq}) and event log (seq ${logSeq}) diverged: ${reason}`);
  }
}

/** Writing or reading a consumer cursor failed. */
export class CursorStoreError extends BusError {
  readonly code = 'CURSOR_STORE_FAILED';
  constructor(
    readonly cursorName: string,
    readonly location: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cursor ${cursorName} at ${location}: ${reason}`, options);
  }
}

/** The connection to NATS is down; the caller retries once it is back. */
export class BusDisconnectedError extends BusError {
  readonly code = 'BUS_DISCONNECTED';
  constructor(readonly what: string) {
    super(`${what}: not connected to NATS`);
  }
}

export function isBusError(e: unknown): e is BusError {
  return e instanceof BusError;
}

/** Publishing an outbox event to JetStream failed; the relay retries it. */
export class RelayPublishError extends BusError {
  readonly code = 'RELAY_PUBLISH_FAILED';
  constructor(
    readonly service: ServiceName,
    readonly seq: number,
    readonly eventId: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${service} relay: publishing event seq ${seq} (id ${eventId}) failed: ${reason}`, options);
  }
}

/** A stream message that is not an event of the consuming service: bad JSON, or an envelope of another service. */
export class MalformedMessageError extends BusError {
  readonly code = 'MALFORMED_MESSAGE';
  constructor(
    readonly stream: string,
    readonly streamSeq: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`stream ${stream} seq ${streamSeq}: ${reason}`, options);
  }
}
