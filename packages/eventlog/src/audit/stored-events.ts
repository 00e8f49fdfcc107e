import { PrunedHistoryError } from '../errors.js';
import type { StoredEventRow, StoredEventSource } from './stored-event-source.js';

/**
 * Every stored row after `afterSeq` in seq order, read in pages of `pageSize` (keyset on seq),
 * never all at once. Throws PrunedHistoryError when retention removed rows after `afterSeq`:
 * "every row from the start" must not quietly begin after the retention point (an export of
 * such a log would not rebuild the state; verifyLog starts after the marker explicitly).
 */
export async function* storedEvents(source: StoredEventSource, pageSize = 5000, afterSeq = 0): AsyncIterable<StoredEventRow> {
  const marker = await source.retention();
  if (marker && afterSeq < marker.throughSeq) throw new PrunedHistoryError(source.location, afterSeq + 1, marker.throughSeq);
  let after = afterSeq;
  for (;;) {
    const page = await source.readAfter(after, pageSize);
    for (const row of page) yield row;
    if (page.length < pageSize) return;
    after = Number(page.at(-1)!.seq);
  }
}
