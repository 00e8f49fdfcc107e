import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A directory of its own under the OS temp dir, and the way to remove it again. */
export interface TempDir {
  readonly path: string;
  /** Removes the directory and everything in it; safe to call twice. */
  remove(): Promise<void>;
}

/** Creates a fresh temp directory named `<prefix>-XXXXXX`. */
export async function createTempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `${prefix}-`));
  return {
    path,
    remove: () => rm(path, { recursive: true, force: true }),
  };
}
