import { jsonDiff, isEmptyDiff, type JsonDiff } from './json-diff.js';

/** Object-level changes between two states of a service, by stream. */
export interface StateDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: ReadonlyArray<{ readonly stream: string; readonly diff: JsonDiff }>;
}

/** Which objects appeared, went, or changed (with their field diff) from `from` to `to`. */
export function stateDiff(from: ReadonlyMap<string, unknown>, to: ReadonlyMap<string, unknown>): StateDiff {
  const added = [...to.keys()].filter((k) => !from.has(k)).sort();
  const removed = [...from.keys()].filter((k) => !to.has(k)).sort();
  const changed: { stream: string; diff: JsonDiff }[] = [];
  for (const stream of [...to.keys()].sort()) {
    if (!from.has(stream)) continue;
    const diff = jsonDiff(from.get(stream), to.get(stream));
    if (!isEmptyDiff(diff)) changed.push({ stream, diff });
  }
  return { added, removed, changed };
}
