/** Base of every error the datapath package throws. */
export abstract class DatapathError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A key or value cannot be encoded as its C struct (bad address, number out of range, ...). */
export class MapEntryError extends DatapathError {
  readonly code = 'INVALID_MAP_ENTRY';
  constructor(
    /** The C struct, e.g. `nl_ipcache_key`. */
    readonly struct: string,
    readonly field: string,
    reason: string,
  ) {
    super(`${struct}.${field}: ${reason}`);
  }
}

/**
 * The map cannot take another key. The entries of the same update before `written` landed;
 * the one at index `written` and those after it did not.
 */
export class MapFullError extends DatapathError {
  readonly code = 'MAP_FULL';
  constructor(
    readonly map: string,
    readonly capacity: number,
    readonly written: number,
    options?: { cause?: unknown },
  ) {
    super(`map ${map} is full (capacity ${capacity}); ${written} entries of the update were written before it`, options);
  }
}

/** A pinned map exists with another type, key size or value size than its layout. */
export class MapLayoutMismatchError extends DatapathError {
  readonly code = 'MAP_LAYOUT_MISMATCH';
  constructor(
    readonly map: string,
    readonly path: string,
    /** What differs, e.g. `key size 20, expected 24`. */
    readonly differences: readonly string[],
  ) {
    super(`pinned map ${map} at ${path} does not match its layout: ${differences.join(', ')} (remove the pin to recreate it)`);
  }
}

/** The pin directory, or a map in it, does not exist and the caller asked not to create it. */
export class MapNotPinnedError extends DatapathError {
  readonly code = 'MAP_NOT_PINNED';
  constructor(
    /** The map name, or undefined when the pin directory itself is missing. */
    readonly map: string | undefined,
    readonly path: string,
  ) {
    super(map === undefined ? `pin directory ${path} does not exist` : `map ${map} is not pinned at ${path}`);
  }
}

/** A kernel or bpftool operation on a map failed for a reason other than a full map. */
export class MapOperationError extends DatapathError {
  readonly code = 'MAP_OPERATION_FAILED';
  constructor(
    readonly map: string,
    /** e.g. `update`, `create`, `open`. */
    readonly operation: string,
    /** The errno name when the kernel gave one (`EPERM`, `EINVAL`, ...). */
    readonly errno: string | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`map ${map}: ${operation} failed: ${detail}`, options);
  }
}

/** The machine cannot hold pinned BPF maps here: no bpffs, no bpftool, no privileges, no addon. */
export class DatapathUnavailableError extends DatapathError {
  readonly code = 'DATAPATH_UNAVAILABLE';
  constructor(
    readonly pinDir: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`BPF maps under ${pinDir} are unavailable: ${reason}`, options);
  }
}

/** The maps were closed; nothing can be read or written through this object any more. */
export class DatapathClosedError extends DatapathError {
  readonly code = 'DATAPATH_CLOSED';
  constructor(readonly map: string) {
    super(`map ${map}: used after close()`);
  }
}

export function isMapFullError(e: unknown): e is MapFullError {
  return e instanceof MapFullError;
}
