import type { StoredEventRow, StoredEventSource } from './stored-event-source.js';

/** Every stored row in seq order, read in pages of `pageSize` (keyset on seq), never all at once. */
export async function* storedEvents(source: StoredEventSource, pageSize = 5000): AsyncIterable<StoredEventRow> {
  let after = 0;
  for (;;) {
    const page = await source.readAfter(after, pageSize);
    for (const row of page) yield row;
    if (page.length < pageSize) return;
    after = Number(page.at(-1)!.seq);
  }
}
