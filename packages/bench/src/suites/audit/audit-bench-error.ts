/** A step of the audit bench ended where its figures would measure something else. */
export class AuditBenchError extends Error {
  constructor(
    /** What failed: the replay, the state at a point, the verify. */
    readonly subject: string,
    /** The log sequence the failure is about. */
    readonly seq: number,
    readonly detail: string,
  ) {
    super(`audit bench: ${subject} at seq ${seq}: ${detail}`);
    this.name = 'AuditBenchError';
  }
}
