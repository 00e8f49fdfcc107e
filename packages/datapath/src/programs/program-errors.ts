import { DatapathError } from '../datapath-errors.js';

/** The datapath object could not be loaded into the pin directory (verifier, bpftool, missing object). */
export class ProgramLoadError extends DatapathError {
  readonly code = 'PROGRAM_LOAD_FAILED';
  constructor(
    readonly objectPath: string,
    readonly pinDir: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot load ${objectPath} into ${pinDir}: ${detail}`, options);
  }
}

/** A program could not be attached to (or detached from) a device or cgroup. */
export class ProgramAttachError extends DatapathError {
  readonly code = 'PROGRAM_ATTACH_FAILED';
  constructor(
    /** The interface name or cgroup directory. */
    readonly target: string,
    /** `tc ingress`, `tc egress`, `cgroup connect4`, ... */
    readonly hook: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot attach to ${target} (${hook}): ${detail}`, options);
  }
}
