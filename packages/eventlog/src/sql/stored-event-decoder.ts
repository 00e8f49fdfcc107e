import type { Cause, EventEnvelope, EventRegistry, ServiceName } from '@netledger/contracts';
import { StoredEventError } from '../errors.js';
import { causeProblem } from './cause-check.js';

/**
 * The columns of one stored event in a fixed order (seq, id, stream, version, type,
 * schema_version, time, cause, data): what the replay reads fetch as arrays, so no row object is
 * built only to be copied into an envelope.
 */
export type StoredColumns = readonly [
  seq: number,
  id: string,
  stream: string,
  version: number,
  type: string,
  schemaVersion: number,
  time: string,
  cause: string,
  data: string,
];

/** The columns replay reads select, in StoredColumns order. */
export const STORED_COLUMNS = 'seq, id, stream, version, type, schema_version, time, cause, data';

// The log writes times with toISOString; the shape is enough to tell one from anything else.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Turns stored rows into current envelopes. Every row is checked, but cheaply: the envelope's
 * columns come from typed SQL columns the log itself wrote, so each is checked for its type
 * (and the time for its shape) instead of running the whole envelope schema, whose date-time
 * format check alone parses the date. The cause is checked for its shape (cause-check.ts) and
 * the data against its type's schema, as before. A row at the current schema version (nearly all) skips the
 * registry's envelope check; an older one goes through `registry.decode`, which upcasts it.
 * A row that fails throws StoredEventError naming the seq and field, or the registry's
 * EventValidationError / UnknownEventTypeError / UpcastError naming the seq.
 */
export class StoredEventDecoder {
  /** Current schema version per event type, looked up once. */
  private readonly current = new Map<string, number>();

  constructor(
    private readonly registry: EventRegistry,
    private readonly service: ServiceName,
    private readonly location: string,
  ) {}

  decode(c: StoredColumns): EventEnvelope {
    const [seq, id, stream, version, type, schemaVersion, time, causeText, dataText] = c;
    if (!Number.isSafeInteger(seq) || seq < 1) throw this.invalid(Number(seq), 'seq', `expected a positive integer, found ${String(seq)}`);
    if (typeof id !== 'string' || id === '') throw this.invalid(seq, 'id', 'expected a non-empty string');
    if (typeof stream !== 'string') throw this.invalid(seq, 'stream', 'expected a string');
    if (!Number.isSafeInteger(version) || version < 1) throw this.invalid(seq, 'version', `expected a positive integer, found ${String(version)}`);
    if (typeof type !== 'string') throw this.invalid(seq, 'type', 'expected a string');
    if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1) throw this.invalid(seq, 'schemaVersion', `expected a positive integer, found ${String(schemaVersion)}`);
    if (typeof time !== 'string' || !ISO_TIME.test(time)) throw this.invalid(seq, 'time', `expected an ISO-8601 time, found ${JSON.stringify(time)}`);
    if (typeof causeText !== 'string') throw this.invalid(seq, 'cause', 'expected JSON text');
    const data = this.json(seq, 'data', dataText);
    // The cause is parsed and checked when first read: projections never read it, and parsing
    // it was a third of a replay's time. Reading a bad one throws StoredEventError as before.
    let cause: Cause | undefined;
    const decoder = this;
    const envelope: EventEnvelope = {
      id,
      service: this.service,
      stream,
      version,
      seq,
      type,
      schemaVersion,
      time,
      get cause(): Cause {
        return (cause ??= decoder.cause(seq, causeText));
      },
      data,
    };
    if (schemaVersion === this.currentVersion(type)) {
      // The error's context string is built only for a bad row: per row it was a measurable cost.
      if (!this.registry.isValidData(this.service, type, data)) this.registry.checkNew(this.service, type, data, `${this.service} log seq ${seq}`);
      return envelope;
    }
    return this.registry.decode(envelope, `${this.service} log`);
  }

  private cause(seq: number, text: string): Cause {
    const cause = this.json(seq, 'cause', text);
    const problem = causeProblem(cause);
    if (problem !== undefined) throw this.invalid(seq, 'cause', problem);
    return cause as Cause;
  }

  private currentVersion(type: string): number {
    let v = this.current.get(type);
    if (v === undefined) {
      // Throws UnknownEventTypeError for a type this registry does not know, as decode would.
      v = this.registry.get(this.service, type).schemaVersion;
      this.current.set(type, v);
    }
    return v;
  }

  private json(seq: number, field: string, text: unknown): unknown {
    if (typeof text !== 'string') throw this.invalid(seq, field, 'expected JSON text');
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw this.invalid(seq, field, `not JSON: ${(cause as Error).message}`, cause);
    }
  }

  private invalid(seq: number, field: string, problem: string, cause?: unknown): StoredEventError {
    return new StoredEventError(this.location, seq, field, problem, cause === undefined ? undefined : { cause });
  }
}
