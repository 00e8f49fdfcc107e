// JSON merge patch (RFC 7386) helpers for apply: pure functions over plain JSON.

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The merge patch that turns what was applied last into `desired` on the live object: every
 * field of `desired`, plus `null` for fields the previous apply set and `desired` dropped.
 * Fields set by others (never applied) are left alone, as with kubectl's three-way merge.
 */
export function createMergePatch(lastApplied: unknown, desired: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(desired)) {
    const previous = isObject(lastApplied) ? lastApplied[key] : undefined;
    patch[key] = isObject(value) && isObject(previous) ? createMergePatch(previous, value) : value;
  }
  if (isObject(lastApplied)) {
    for (const key of Object.keys(lastApplied)) if (!(key in desired)) patch[key] = null;
  }
  return patch;
}

/** `target` with `patch` applied by RFC 7386 rules; neither argument is changed. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** Deep equality of JSON values; key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}
