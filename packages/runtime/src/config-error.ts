/** A flag or setting is missing or malformed. The message names the flag and what is expected. */
export class ConfigError extends Error {
  readonly code = 'CONFIG';
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(`--${flag}: ${message}`);
    this.name = 'ConfigError';
  }
}
