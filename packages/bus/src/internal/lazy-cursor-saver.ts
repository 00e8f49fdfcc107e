import type { CursorStore } from '../cursor-store.js';

const SAVE_EVERY_MOVES = 100;
const SAVE_AFTER_MS = 50;

/**
 * Persists a consumer's cursor lazily: after 100 moves or 50 ms, whichever comes first, and
 * on flush. Lazy is safe because applying an event twice is harmless: after a crash the
 * consumer resumes a little early. Saves run one at a time, in order, and never reject.
 */
export class LazyCursorSaver {
  private saved = 0;
  private moves = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly cursors: CursorStore,
    private readonly name: string,
    /** Reads the cursor at save time, so a save always writes the latest value. */
    private readonly current: () => number,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Loads the saved cursor; later saves skip writing this value again. */
  async load(): Promise<number> {
    this.saved = await this.cursors.load(this.name);
    return this.saved;
  }

  /** The cursor moved: save soon. */
  moved(): void {
    this.moves += 1;
    if (this.moves >= SAVE_EVERY_MOVES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), SAVE_AFTER_MS);
  }

  /** Saves now if the cursor changed since the last save; resolves when written (or failed and reported). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.moves = 0;
    this.chain = this.chain.then(async () => {
      const seq = this.current();
      if (seq === this.saved) return;
      try {
        await this.cursors.save(this.name, seq);
        this.saved = seq;
      } catch (e) {
        this.onError(e);
      }
    });
    return this.chain;
  }
}
