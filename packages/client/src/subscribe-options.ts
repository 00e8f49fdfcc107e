import type { ServiceName } from '@netledger/contracts';
import type { DeliveryError, EventsMissingError, MalformedEventError } from './errors.js';
import type { NetledgerEventType } from './netledger-event.js';

/** A position per service: the log seq of the last event handled. `subscription.position()` returns one. */
export type Position = Readonly<Partial<Record<ServiceName, number>>>;

/**
 * Where a subscription starts, per service:
 * - `'now'`: only events appended after the subscription started;
 * - `'start'`: every event the stream holds;
 * - `{ seq }`: at that log seq (one number for every service, or one per service);
 * - `{ after }`: right after a position (from `subscription.position()` or your own store);
 * - `{ time }`: at the first event appended at or after that time.
 */
export type StartPoint =
  | 'now'
  | 'start'
  | { readonly seq: number | Position }
  | { readonly after: Position }
  | { readonly time: Date | string };

export interface SubscribeOptions<S extends ServiceName = ServiceName, T extends NetledgerEventType<S> = NetledgerEventType<S>> {
  /** The services whose events to receive (each has its own stream and its own order). */
  readonly services: readonly S[];
  /** Only these event types (default: every type of the services). */
  readonly types?: readonly T[];
  /** Only events whose `stream` starts with one of these, e.g. `policy/default/` (default: every stream). */
  readonly objects?: readonly string[];
  readonly from: StartPoint;
  /** Aborting ends the iteration (as `close()` does). */
  readonly signal?: AbortSignal;
  /** Told about each message that is not a valid event; it is skipped and iteration goes on. */
  readonly onMalformed?: (error: MalformedEventError) => void;
  /** Told when delivery fails (it is retried) or events are missing from a stream. */
  readonly onError?: (error: DeliveryError | EventsMissingError) => void;
}
