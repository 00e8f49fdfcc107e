/** A command cannot do what it was asked; the message says why and what to do. Exit code 1 (2 for usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(`${message} (see netledger --help)`, 2);
    this.name = 'UsageError';
  }
}
