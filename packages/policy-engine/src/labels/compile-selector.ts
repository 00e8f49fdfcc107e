import type { LabelRequirement, Labels, Selector } from './label-selector.js';

/** A selector turned into a predicate once, so matching never re-reads the selector's data. */
export type LabelMatcher = (labels: Labels) => boolean;

// Object.hasOwn: label sets are plain records, and "constructor" is a valid label key.
function compileRequirement(r: LabelRequirement): LabelMatcher {
  const { key } = r;
  switch (r.operator) {
    case 'Exists':
      return (labels) => Object.hasOwn(labels, key);
    case 'DoesNotExist':
      return (labels) => !Object.hasOwn(labels, key);
    case 'In': {
      if (r.values.length === 1) {
        const only = r.values[0];
        return (labels) => Object.hasOwn(labels, key) && labels[key] === only;
      }
      const allowed = new Set(r.values);
      return (labels) => Object.hasOwn(labels, key) && allowed.has(labels[key]!);
    }
    case 'NotIn': {
      const refused = new Set(r.values);
      return (labels) => !Object.hasOwn(labels, key) || !refused.has(labels[key]!);
    }
  }
}

/** Compiles a normalized selector into a predicate over label sets. */
export function compileSelector(selector: Selector): LabelMatcher {
  const checks = selector.requirements.map(compileRequirement);
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0]!;
  return (labels) => {
    for (const check of checks) if (!check(labels)) return false;
    return true;
  };
}

/** One-off match; hot paths should keep the result of `compileSelector` instead. */
export function matchesSelector(selector: Selector, labels: Labels): boolean {
  return compileSelector(selector)(labels);
}
