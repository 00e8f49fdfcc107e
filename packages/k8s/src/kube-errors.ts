/** The kubeconfig cannot be read or names no usable cluster; `path` is the file (or `default`). */
export class KubeConfigError extends Error {
  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`kubeconfig ${path}: ${reason}`, options);
    this.name = 'KubeConfigError';
  }
}

/** The API server could not be reached (connection refused, reset, timeout). */
export class KubeConnectionError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(`${method} ${url}: ${describeCause(options?.cause)}`, options);
    this.name = 'KubeConnectionError';
  }
}

/**
 * The API server answered with an error Status. `message` is the server's own message (what
 * kubectl prints after "Error from server"); `reason` is the Status reason (NotFound, Invalid…).
 */
export class KubeApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly statusCode: number,
    readonly reason: string,
    message: string,
    /** Field-level causes of an Invalid answer, as `field: message`. */
    readonly causes: readonly string[] = [],
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** The object a write was about, as its errors name it. */
export interface KubeObjectName {
  /** Resource with its group, as kubectl names it (`pod`, `deployment.apps`). */
  readonly resource: string;
  /** Undefined for cluster-scoped kinds. */
  readonly namespace: string | undefined;
  readonly name: string;
}

/** An API error answer about one object, re-thrown with the object named. */
abstract class KubeObjectApiError extends KubeApiError {
  constructor(
    readonly object: KubeObjectName,
    from: KubeApiError,
  ) {
    super(from.method, from.path, from.statusCode, from.reason, from.message, from.causes);
    this.name = new.target.name;
  }
}

/** A write found no such object (404). `object` names it; the message is the server's. */
export class KubeNotFoundError extends KubeObjectApiError {}

/** A create found the name taken (409 AlreadyExists). */
export class KubeAlreadyExistsError extends KubeObjectApiError {}

/**
 * A write lost a race (409 Conflict): a stale resourceVersion, or a precondition (uid) that no
 * longer holds. `preconditionFailed` tells the second apart.
 */
export class KubeConflictError extends KubeObjectApiError {
  // The Status has no reason of its own for it; the API server words it this way.
  readonly preconditionFailed = /^Precondition failed/i.test(this.message);
}

/** The typed error for an API answer about `object`, or `e` itself when none fits. */
export function objectError(e: KubeApiError, object: KubeObjectName): KubeApiError {
  if (e.statusCode === 404) return new KubeNotFoundError(object, e);
  if (e.statusCode === 409) return e.reason === 'AlreadyExists' ? new KubeAlreadyExistsError(object, e) : new KubeConflictError(object, e);
  return e;
}

/** A kind, resource name or short name that netledger does not handle. */
export class UnsupportedKindError extends Error {
  constructor(
    readonly kind: string,
    supported: readonly string[],
  ) {
    super(`kind ${kind} is not supported (supported: ${supported.join(', ')})`);
    this.name = 'UnsupportedKindError';
  }
}

/** An object from the API lacks what every Kubernetes object has (`metadata.name`). */
export class KubeObjectError extends Error {
  constructor(
    readonly kind: string,
    readonly field: string,
    reason: string,
  ) {
    super(`${kind} object: ${field} ${reason}`);
    this.name = 'KubeObjectError';
  }
}

/**
 * A manifest file cannot be used. `document` (1-based) or `line` say where; the message
 * starts with the file name so it stands on its own.
 */
export class ManifestError extends Error {
  constructor(
    readonly file: string,
    readonly where: { readonly document?: number; readonly line?: number; readonly column?: number },
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}${describeWhere(where)}: ${reason}`, options);
    this.name = 'ManifestError';
  }
}

/** `stop()` was called before the source finished its first sync. */
export class SourceStoppedError extends Error {
  constructor(readonly kind: string) {
    super(`${kind} source stopped before it synced`);
    this.name = 'SourceStoppedError';
  }
}

function describeWhere(where: ManifestError['where']): string {
  if (where.line !== undefined) return ` line ${where.line}${where.column !== undefined ? `, column ${where.column}` : ''}`;
  if (where.document !== undefined) return ` document ${where.document}`;
  return '';
}

/** A short, one-line description of a transport or library error, for messages and logs. */
export function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  // node-fetch repeats the URL ("request to URL failed, reason: ..."); the reason is what matters.
  const message = cause.message.replace(/^request to \S+ failed, reason: /, '');
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}
