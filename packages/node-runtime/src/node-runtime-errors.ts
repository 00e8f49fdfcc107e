/** A host command (`ip netns add`, ...) failed; `stderr` is what it said. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(`${command} ${args.join(' ')}: ${stderr.trim() || (exitCode === null ? 'killed' : `exit code ${exitCode}`)}`, options);
    this.name = 'CommandError';
  }
}

/** The runtime's state file exists but cannot be read as a state; `path` names it. */
export class RuntimeStateError extends Error {
  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`runtime state ${path}: ${reason}`, options);
    this.name = 'RuntimeStateError';
  }
}

/** The CNI network config file is missing a field or has a malformed one. */
export class CniConfigError extends Error {
  constructor(
    readonly path: string,
    readonly field: string,
    reason: string,
  ) {
    super(`CNI config ${path}: ${field} ${reason}`);
    this.name = 'CniConfigError';
  }
}
