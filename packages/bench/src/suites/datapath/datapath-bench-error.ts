/** A step of the datapath bench failed in a way that makes its figures meaningless. */
export class DatapathBenchError extends Error {
  constructor(
    /** What failed: a process, a run, a setup step. */
    readonly subject: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`datapath bench: ${subject}: ${detail}`, options);
    this.name = 'DatapathBenchError';
  }
}
