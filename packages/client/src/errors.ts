import type { ServiceName } from '@netledger/contracts';

/** Base of every error this package throws or reports; `code` is stable for programs, `message` is for people. */
export abstract class NetledgerClientError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An option of `connectNetledger` or `subscribe` that cannot be used; names the option. */
export class ClientOptionsError extends NetledgerClientError {
  readonly code = 'CLIENT_OPTIONS_INVALID';
  constructor(
    /** Dotted path of the option, e.g. `subscribe.from.seq.policy`. */
    readonly option: string,
    readonly problem: string,
  ) {
    super(`option ${option}: ${problem}`);
  }
}

/** The first connection to NATS failed (nothing listens, or the credentials were refused). */
export class ClientConnectError extends NetledgerClientError {
  readonly code = 'CLIENT_CONNECT_FAILED';
  constructor(
    readonly servers: readonly string[],
    options: { cause: unknown },
  ) {
    super(`cannot connect to NATS at ${servers.join(', ')}: ${messageOf(options.cause)}`, options);
  }
}

/**
 * A message in a service's stream that is not a valid netledger event (not JSON, an unknown
 * type, data that fails its schema, or an event of another service). It is skipped.
 */
export class MalformedEventError extends NetledgerClientError {
  readonly code = 'EVENT_MALFORMED';
  constructor(
    readonly service: ServiceName,
    readonly stream: string,
    /** JetStream sequence of the message. */
    readonly streamSeq: number,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`stream ${stream} seq ${streamSeq}: ${problem}`, options);
  }
}

/**
 * Delivery from a service's stream failed for a while (server unreachable, stream missing,
 * permission denied). The subscription keeps retrying; this is for logs.
 */
export class DeliveryError extends NetledgerClientError {
  readonly code = 'DELIVERY_FAILED';
  constructor(
    readonly service: ServiceName,
    readonly stream: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`stream ${stream}: ${problem}`, options);
  }
}

/**
 * Events missing from a service's stream: delivery was asked again from the first missing one
 * and the stream still did not have them (cut by a retention limit, or removed), so the
 * subscription went on after them. Should not happen with netledger's streams (no limits).
 */
export class EventsMissingError extends NetledgerClientError {
  readonly code = 'EVENTS_MISSING';
  constructor(
    readonly service: ServiceName,
    readonly stream: string,
    readonly fromSeq: number,
    readonly toSeq: number,
  ) {
    super(`stream ${stream}: events ${fromSeq}..${toSeq} are missing; continuing at ${toSeq + 1}`);
  }
}

export function isNetledgerClientError(e: unknown): e is NetledgerClientError {
  return e instanceof NetledgerClientError;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
