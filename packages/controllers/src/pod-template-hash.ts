import { createHash } from 'node:crypto';

/** The label carrying the hash of the template a pod was made from, as Kubernetes names it. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/**
 * A short hash of a pod template: equal templates (key order aside) hash the same, so pods made
 * from the current template are recognised after a restart, and a template changed back
 * recognises its pods again.
 */
export function podTemplateHash(template: unknown): string {
  return createHash('sha256').update(canonicalJson(template)).digest('hex').slice(0, 10);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
