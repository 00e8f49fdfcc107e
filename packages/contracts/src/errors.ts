/** Base of every error the contracts package throws; `code` is stable for programs, `message` is for people. */
export abstract class ContractError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One schema violation: where in the event data, and what is wrong there. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** Event data does not match its type's schema (on write, or on read after upcasting). */
export class EventValidationError extends ContractError {
  readonly code = 'EVENT_INVALID';
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
    readonly problems: readonly FieldProblem[],
    readonly context: string,
  ) {
    const first = problems[0];
    const where = first ? `${first.path || '/'}: ${first.message}` : 'unknown problem';
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(`${context}: event ${eventType} v${schemaVersion} is invalid at ${where}${more}`);
  }
}

/** An event type nobody registered: written by a newer version, or a typo. */
export class UnknownEventTypeError extends ContractError {
  readonly code = 'EVENT_TYPE_UNKNOWN';
  constructor(
    readonly eventType: string,
    readonly service: string,
  ) {
    super(`event type ${eventType} is not registered for service ${service}`);
  }
}

/** Stored schema version has no path to the current one (missing upcaster, or written by a newer release). */
export class UpcastError extends ContractError {
  readonly code = 'EVENT_UPCAST_FAILED';
  constructor(
    readonly eventType: string,
    readonly fromVersion: number,
    readonly toVersion: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot upcast ${eventType} from v${fromVersion} to v${toVersion}: ${reason}`, options);
  }
}

export function isContractError(e: unknown): e is ContractError {
  return e instanceof ContractError;
}
