import { isRecord } from './kube-object.js';

/**
 * RFC 7386 JSON merge patch: objects merge key by key, `null` deletes, anything else replaces
 * (arrays included). Strategic merge patches are served with this too: for the objects this server
 * holds the difference (list merge by key) rarely matters, and it is documented in the README.
 * Returns a new value; neither input is modified.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}
