import { FieldProblems, type FieldProblem } from '../model/field-problem.js';
import { checkFields, childPath, describe, itemPath, readArray, readObject, readString } from '../parse/json-fields.js';
import { labelKeyProblem, labelValueProblem } from './label-syntax.js';
import { SELECTOR_OPERATORS, selectorOf, type LabelRequirement, type Selector, type SelectorOperator } from './label-selector.js';
import { RESERVED_LABEL_PREFIX } from './security-labels.js';

/**
 * `kubernetes`: plain label keys. `cilium`: keys may carry a label source prefix; `k8s:` and `any:`
 * are dropped (our labels are all Kubernetes-sourced) and `reserved:` is kept to select reserved identities.
 */
export type SelectorDialect = 'kubernetes' | 'cilium';

/** Result of parsing a selector on its own; field paths are relative to the selector. */
export type SelectorParseResult =
  | { readonly ok: true; readonly selector: Selector }
  | { readonly ok: false; readonly errors: readonly FieldProblem[] };

const STRIPPED_SOURCES = ['k8s', 'any'];

function normalizeKey(raw: string, dialect: SelectorDialect, path: string, problems: FieldProblems): string | undefined {
  let key = raw;
  if (dialect === 'cilium') {
    const colon = raw.indexOf(':');
    if (colon !== -1) {
      const source = raw.slice(0, colon);
      const rest = raw.slice(colon + 1);
      if (source === 'reserved') {
        if (!/^[a-z][a-z0-9-]*$/.test(rest)) {
          problems.add(path, `reserved label ${JSON.stringify(raw)} is invalid`);
          return undefined;
        }
        return `${RESERVED_LABEL_PREFIX}${rest}`;
      }
      if (!STRIPPED_SOURCES.includes(source)) {
        problems.add(path, `label source "${source}" in ${JSON.stringify(raw)} is not supported (use k8s:, any: or reserved:)`);
        return undefined;
      }
      key = rest;
    }
  }
  const problem = labelKeyProblem(key);
  if (problem !== null) {
    problems.add(path, problem);
    return undefined;
  }
  return key;
}

function readValue(raw: unknown, path: string, problems: FieldProblems): string | undefined {
  if (typeof raw !== 'string') {
    problems.add(path, `label value must be a string, got ${describe(raw)} (quote it in YAML)`);
    return undefined;
  }
  const problem = labelValueProblem(raw);
  if (problem !== null) {
    problems.add(path, problem);
    return undefined;
  }
  return raw;
}

function readExpression(raw: unknown, path: string, dialect: SelectorDialect, problems: FieldProblems): LabelRequirement | undefined {
  const expr = readObject(raw, path, problems);
  if (expr === undefined) {
    if (raw === null || raw === undefined) problems.add(path, 'must be an object with key and operator');
    return undefined;
  }
  checkFields(expr, path, { known: ['key', 'operator', 'values'] }, problems);
  const before = problems.size;
  const rawKey = readString(expr['key'], childPath(path, 'key'), problems);
  if (rawKey === undefined && problems.size === before) problems.add(childPath(path, 'key'), 'is required');
  const key = rawKey === undefined ? undefined : normalizeKey(rawKey, dialect, childPath(path, 'key'), problems);

  const opPath = childPath(path, 'operator');
  const rawOp = readString(expr['operator'], opPath, problems);
  let operator: SelectorOperator | undefined;
  if (rawOp === undefined) {
    if (expr['operator'] === undefined || expr['operator'] === null) problems.add(opPath, 'is required');
  } else if ((SELECTOR_OPERATORS as readonly string[]).includes(rawOp)) {
    operator = rawOp as SelectorOperator;
  } else {
    problems.add(opPath, `unknown operator ${JSON.stringify(rawOp)} (expected one of ${SELECTOR_OPERATORS.join(', ')})`);
  }

  const valuesPath = childPath(path, 'values');
  const rawValues = readArray(expr['values'], valuesPath, problems) ?? [];
  const values: string[] = [];
  rawValues.forEach((v, i) => {
    const value = readValue(v, itemPath(valuesPath, i), problems);
    if (value !== undefined) values.push(value);
  });
  if (operator === 'In' || operator === 'NotIn') {
    if (rawValues.length === 0) problems.add(valuesPath, `must not be empty for operator ${operator}`);
  } else if (operator !== undefined && rawValues.length > 0) {
    problems.add(valuesPath, `must be empty for operator ${operator}`);
  }
  if (key === undefined || operator === undefined || problems.size !== before) return undefined;
  return { key, operator, values };
}

/**
 * Reads a Kubernetes `LabelSelector` at `path`, reporting every problem into `problems`.
 * Returns `undefined` when anything was wrong (or the value is absent).
 */
export function readLabelSelector(
  raw: unknown,
  path: string,
  dialect: SelectorDialect,
  problems: FieldProblems,
): Selector | undefined {
  const obj = readObject(raw, path, problems);
  if (obj === undefined) return undefined;
  const before = problems.size;
  checkFields(obj, path, { known: ['matchLabels', 'matchExpressions'] }, problems);
  const requirements: LabelRequirement[] = [];

  const labelsPath = childPath(path, 'matchLabels');
  const matchLabels = readObject(obj['matchLabels'], labelsPath, problems);
  for (const [rawKey, rawValue] of Object.entries(matchLabels ?? {})) {
    const entryPath = childPath(labelsPath, rawKey);
    const key = normalizeKey(rawKey, dialect, entryPath, problems);
    const value = readValue(rawValue, entryPath, problems);
    if (key !== undefined && value !== undefined) requirements.push({ key, operator: 'In', values: [value] });
  }

  const exprPath = childPath(path, 'matchExpressions');
  const expressions = readArray(obj['matchExpressions'], exprPath, problems) ?? [];
  expressions.forEach((e, i) => {
    const requirement = readExpression(e, itemPath(exprPath, i), dialect, problems);
    if (requirement !== undefined) requirements.push(requirement);
  });

  return problems.size === before ? selectorOf(requirements) : undefined;
}

/** Parses and validates a selector on its own (pure; nothing is thrown for bad input). */
export function parseLabelSelector(raw: unknown, options: { readonly dialect?: SelectorDialect } = {}): SelectorParseResult {
  const problems = new FieldProblems();
  if (raw === undefined || raw === null) return { ok: false, errors: [{ field: '', message: 'selector is required' }] };
  const selector = readLabelSelector(raw, '', options.dialect ?? 'kubernetes', problems);
  if (selector === undefined) return { ok: false, errors: problems.list };
  return { ok: true, selector };
}
