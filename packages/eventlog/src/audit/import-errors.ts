import { EventLogError } from '../errors.js';

/** An exported log cannot be imported: a line is malformed or breaks the chain, or the target is not empty. */
export class LogImportError extends EventLogError {
  readonly code = 'LOG_IMPORT';
  constructor(
    /** The target log (file path or redacted URL). */
    readonly location: string,
    /** 1-based line of the export file, when a line is at fault. */
    readonly line: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`import into ${location}${line === undefined ? '' : `, line ${line}`}: ${message}`, options);
  }
}
