/** A set of labels, as carried by a workload identity. */
export type Labels = Readonly<Record<string, string>>;

/** The four Kubernetes set-based operators. */
export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export const SELECTOR_OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** One condition on one key; `values` is sorted and empty for Exists/DoesNotExist. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/**
 * A normalized label selector: the AND of its requirements, sorted, without duplicates.
 * `matchLabels` entries become `In` with one value. The empty selector matches every label set.
 * Plain data, so it can travel inside events.
 */
export interface Selector {
  readonly requirements: readonly LabelRequirement[];
}

/** The Kubernetes `LabelSelector` shape, as written in manifests. */
export interface LabelSelectorInput {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: SelectorOperator;
    readonly values?: readonly string[];
  }[];
}

function compareRequirements(a: LabelRequirement, b: LabelRequirement): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  if (a.operator !== b.operator) return a.operator < b.operator ? -1 : 1;
  const av = a.values.join(','), bv = b.values.join(',');
  return av === bv ? 0 : av < bv ? -1 : 1;
}

/** Builds the normalized form: values sorted and unique, requirements sorted and unique. */
export function selectorOf(requirements: readonly LabelRequirement[]): Selector {
  const normalized = requirements.map((r) => ({
    key: r.key,
    operator: r.operator,
    values: r.operator === 'In' || r.operator === 'NotIn' ? [...new Set(r.values)].sort() : [],
  }));
  normalized.sort(compareRequirements);
  const unique = normalized.filter((r, i) => i === 0 || compareRequirements(r, normalized[i - 1]!) !== 0);
  return { requirements: unique };
}

/** The AND of a selector and more requirements. */
export function andSelector(selector: Selector, ...more: readonly LabelRequirement[]): Selector {
  return selectorOf([...selector.requirements, ...more]);
}

function requirementText(r: LabelRequirement): string {
  switch (r.operator) {
    case 'In':
      return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${r.values.join(',')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
  }
}

/**
 * Canonical text of a selector in the kubectl `-l` syntax (`app=web,tier in (a,b),!legacy`).
 * Equal selectors give equal keys, so it can key a selector cache. Label keys and values cannot
 * contain `,`, `(` or `)`, so the form is unambiguous.
 */
export function selectorKey(selector: Selector): string {
  return selectorOf(selector.requirements).requirements.map(requirementText).join(',');
}
