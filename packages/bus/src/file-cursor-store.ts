import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CursorStoreError } from './errors.js';
import type { CursorStore } from './cursor-store.js';

interface CursorFile {
  readonly name: string;
  readonly seq: number;
  readonly savedAt: string;
}

/**
 * One small JSON file per cursor name in `dir`. A save writes a temporary file, fsyncs it and
 * renames it over the old one (then fsyncs the directory), so a crash leaves either the old
 * or the new cursor, never a torn file.
 */
export class FileCursorStore implements CursorStore {
  private dirReady: Promise<void> | undefined;
  private tmpCounter = 0;

  constructor(private readonly dir: string) {}

  async load(name: string): Promise<number> {
    const file = this.fileOf(name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw new CursorStoreError(name, file, `cannot read: ${(e as Error).message}`, { cause: e });
    }
    let parsed: Partial<CursorFile>;
    try {
      parsed = JSON.parse(text) as Partial<CursorFile>;
    } catch (e) {
      throw new CursorStoreError(name, file, 'is not valid JSON', { cause: e });
    }
    if (!Number.isSafeInteger(parsed.seq) || parsed.seq! < 0) {
      throw new CursorStoreError(name, file, `field seq must be a non-negative integer, got ${JSON.stringify(parsed.seq)}`);
    }
    return parsed.seq!;
  }

  async save(name: string, seq: number): Promise<void> {
    if (!Number.isSafeInteger(seq) || seq < 0) {
      throw new CursorStoreError(name, this.fileOf(name), `seq must be a non-negative integer, got ${seq}`);
    }
    const file = this.fileOf(name);
    const tmp = `${file}.${process.pid}.${this.tmpCounter++}.tmp`;
    const body: CursorFile = { name, seq, savedAt: new Date().toISOString() };
    try {
      await this.ensureDir();
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(JSON.stringify(body) + '\n');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, file);
      await this.syncDir();
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new CursorStoreError(name, file, `cannot save seq ${seq}: ${(e as Error).message}`, { cause: e });
    }
  }

  private fileOf(name: string): string {
    if (!name) throw new CursorStoreError(name, this.dir, 'cursor name must not be empty');
    // Names like "node-1/policy" become one safe file name, and stay readable.
    return join(this.dir, `${encodeURIComponent(name)}.cursor.json`);
  }

  private ensureDir(): Promise<void> {
    this.dirReady ??= mkdir(this.dir, { recursive: true }).then(
      () => undefined,
      (e: unknown) => {
        this.dirReady = undefined;
        throw e;
      },
    );
    return this.dirReady;
  }

  // The rename is only durable once the directory entry is on disk.
  private async syncDir(): Promise<void> {
    const dh = await open(this.dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }
}
