/** A field-level difference between two JSON values: paths are dotted (`inForce.rules`). */
export interface JsonDiff {
  readonly added: Readonly<Record<string, unknown>>;
  readonly removed: Readonly<Record<string, unknown>>;
  readonly changed: Readonly<Record<string, { readonly from: unknown; readonly to: unknown }>>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * What changed from `before` to `after`. Plain objects are compared field by field; arrays and
 * scalars as whole values, since a rule list that moved by one is clearer shown whole than as
 * a cascade of index changes. An absent object (undefined) diffs as all-added or all-removed.
 */
export function jsonDiff(before: unknown, after: unknown): JsonDiff {
  const diff = { added: {} as Record<string, unknown>, removed: {} as Record<string, unknown>, changed: {} as Record<string, { from: unknown; to: unknown }> };
  walk(before as Json | undefined, after as Json | undefined, '', diff);
  return diff;
}

/** True when nothing changed. */
export function isEmptyDiff(diff: JsonDiff): boolean {
  return Object.keys(diff.added).length + Object.keys(diff.removed).length + Object.keys(diff.changed).length === 0;
}

function walk(
  before: Json | undefined,
  after: Json | undefined,
  path: string,
  diff: { added: Record<string, unknown>; removed: Record<string, unknown>; changed: Record<string, { from: unknown; to: unknown }> },
): void {
  if (isRecord(before) && isRecord(after)) {
    for (const key of Object.keys(before)) {
      const sub = path ? `${path}.${key}` : key;
      if (!(key in after)) diff.removed[sub] = before[key];
      else walk(before[key], after[key], sub, diff);
    }
    for (const key of Object.keys(after)) {
      if (!(key in before)) diff.added[path ? `${path}.${key}` : key] = after[key];
    }
    return;
  }
  if (before === undefined && after === undefined) return;
  if (before === undefined && isRecord(after)) return walk({}, after, path, diff);
  if (after === undefined && isRecord(before)) return walk(before, {}, path, diff);
  const at = path || '.';
  if (before === undefined) diff.added[at] = after;
  else if (after === undefined) diff.removed[at] = before;
  else if (JSON.stringify(before) !== JSON.stringify(after)) diff.changed[at] = { from: before, to: after };
}

function isRecord(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
