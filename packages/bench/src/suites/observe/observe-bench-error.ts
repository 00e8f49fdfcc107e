/** A step of the observe bench failed in a way that makes its figures meaningless. */
export class ObserveBenchError extends Error {
  constructor(
    /** What failed: a process, a run, a setup step. */
    readonly subject: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`observe bench: ${subject}: ${detail}`, options);
    this.name = 'ObserveBenchError';
  }
}
