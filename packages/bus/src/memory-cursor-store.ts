import type { CursorStore } from './cursor-store.js';

/** Cursors kept in memory: for tests, and for consumers whose state does not survive a restart either. */
export class MemoryCursorStore implements CursorStore {
  private readonly cursors = new Map<string, number>();

  load(name: string): Promise<number> {
    return Promise.resolve(this.cursors.get(name) ?? 0);
  }

  save(name: string, seq: number): Promise<void> {
    this.cursors.set(name, seq);
    return Promise.resolve();
  }
}
