/** One field-level reason inside an Invalid Status (`details.causes`). */
export interface StatusCause {
  readonly reason: string;
  readonly message: string;
  readonly field: string;
}

/** What a Status names: the object the request was about. */
export interface StatusTarget {
  readonly kind?: string;
  readonly group?: string;
  readonly name?: string;
}

/**
 * Base of every error that becomes a `meta/v1 Status` answer. `code` is the HTTP status,
 * `reason` the machine-readable StatusReason clients switch on (informers look for Expired).
 */
export abstract class ApiError extends Error {
  abstract readonly code: number;
  abstract readonly reason: string;
  constructor(
    message: string,
    readonly target: StatusTarget = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Extra `details` fields beyond name/group/kind. */
  protected extraDetails(): Record<string, unknown> {
    return {};
  }

  /** The `meta/v1 Status` body sent to the client. */
  toStatus(): Record<string, unknown> {
    const details: Record<string, unknown> = { ...this.extraDetails() };
    if (this.target.name !== undefined) details['name'] = this.target.name;
    if (this.target.group !== undefined) details['group'] = this.target.group;
    if (this.target.kind !== undefined) details['kind'] = this.target.kind;
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(Object.keys(details).length > 0 ? { details } : {}),
      code: this.code,
    };
  }
}

/** The object, or the namespace it lives in, does not exist. */
export class NotFoundError extends ApiError {
  readonly code = 404;
  readonly reason = 'NotFound';
  constructor(readonly resource: string, readonly objectName: string, group = '') {
    super(`${resource}${group ? `.${group}` : ''} "${objectName}" not found`, { kind: resource, group, name: objectName });
  }
}

/** Create of a name that is taken. */
export class AlreadyExistsError extends ApiError {
  readonly code = 409;
  readonly reason = 'AlreadyExists';
  constructor(readonly resource: string, readonly objectName: string, group = '') {
    super(`${resource}${group ? `.${group}` : ''} "${objectName}" already exists`, { kind: resource, group, name: objectName });
  }
}

/** Optimistic concurrency: the client's `metadata.resourceVersion` (or precondition) is stale. */
export class ConflictError extends ApiError {
  readonly code = 409;
  readonly reason = 'Conflict';
  constructor(readonly resource: string, readonly objectName: string, detail: string, group = '') {
    super(`Operation cannot be fulfilled on ${resource}${group ? `.${group}` : ''} "${objectName}": ${detail}`, {
      kind: resource,
      group,
      name: objectName,
    });
  }
}

/** The object failed validation; each cause names the offending field. */
export class InvalidError extends ApiError {
  readonly code = 422;
  readonly reason = 'Invalid';
  constructor(
    readonly kind: string,
    readonly objectName: string,
    readonly causes: readonly StatusCause[],
    group = '',
  ) {
    const summary = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
    super(`${kind}${group ? `.${group}` : ''} "${objectName}" is invalid: ${summary}`, { kind, group, name: objectName });
  }

  protected override extraDetails(): Record<string, unknown> {
    return { causes: this.causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })) };
  }
}

/** The request is understood but refused (deleting a system namespace). */
export class ForbiddenError extends ApiError {
  readonly code = 403;
  readonly reason = 'Forbidden';
}

/** Malformed request: bad JSON, bad selector, mismatched name or namespace. */
export class BadRequestError extends ApiError {
  readonly code = 400;
  readonly reason = 'BadRequest';
}

/** The requested resourceVersion is older than the kept watch history: the client must relist. */
export class ExpiredError extends ApiError {
  readonly code = 410;
  readonly reason = 'Expired';
  constructor(readonly requested: number, readonly oldest: number) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

/** The verb is not served on this path. */
export class MethodNotAllowedError extends ApiError {
  readonly code = 405;
  readonly reason = 'MethodNotAllowed';
  constructor(readonly method: string, readonly path: string) {
    super(`the server does not allow this method on the requested resource: ${method} ${path}`);
  }
}

/** A request body in a format this server does not read (apply-patch YAML, protobuf). */
export class UnsupportedMediaTypeError extends ApiError {
  readonly code = 415;
  readonly reason = 'UnsupportedMediaType';
  constructor(readonly contentType: string) {
    super(`the body of the request was in an unknown format - accepted media types include: application/json, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json; got ${contentType}`);
  }
}

/** No route for the path (unknown group, version or resource). */
export class PathNotFoundError extends ApiError {
  readonly code = 404;
  readonly reason = 'NotFound';
  constructor(readonly path: string) {
    super(`the server could not find the requested resource (${path})`);
  }
}

/** Anything unexpected; the cause carries the original error. */
export class InternalError extends ApiError {
  readonly code = 500;
  readonly reason = 'InternalError';
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Builds one Invalid cause; `reason` follows the API's FieldValueX names. */
export function fieldCause(field: string, message: string, reason = 'FieldValueInvalid'): StatusCause {
  return { field, message, reason };
}
