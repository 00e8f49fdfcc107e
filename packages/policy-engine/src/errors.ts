/** Base of every error the policy engine throws; `code` is stable for programs, `message` is for people. */
export abstract class PolicyEngineError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A flow query the engine cannot answer: a bad address, port or protocol. A caller bug, hence thrown. */
export class InvalidQueryError extends PolicyEngineError {
  readonly code = 'POLICY_QUERY_INVALID';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`flow query field ${field}: ${reason}`);
  }
}

/**
 * A normalized policy that `parsePolicy` could not have produced (e.g. an event written by a buggy or
 * newer producer). Thrown when compiling, so it surfaces before any verdict is given.
 */
export class InvalidPolicyDataError extends PolicyEngineError {
  readonly code = 'POLICY_DATA_INVALID';
  constructor(
    readonly policy: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`normalized policy ${policy} field ${field}: ${reason}`);
  }
}

export function isPolicyEngineError(e: unknown): e is PolicyEngineError {
  return e instanceof PolicyEngineError;
}
