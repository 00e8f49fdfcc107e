/**
 * Where a consumer keeps the log sequence of the last event it applied, so it resumes after
 * a restart instead of replaying the whole stream.
 */
export interface CursorStore {
  /** The saved sequence, 0 when nothing was saved under `name`. */
  load(name: string): Promise<number>;
  save(name: string, seq: number): Promise<void>;
}
