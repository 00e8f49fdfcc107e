import type { StoredColumns } from './stored-event-decoder.js';

/** Replay's read on a synchronous driver (SQLite): rows as column arrays; without it, replay reads through kysely. */
export interface ReplayReads {
  /** Up to `limit` rows with `fromSeq <= seq <= untilSeq`, in seq order. */
  page(fromSeq: number, untilSeq: number, limit: number): StoredColumns[];
}
