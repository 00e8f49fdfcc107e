import type { FieldProblems } from '../model/field-problem.js';

/** A decoded JSON/YAML mapping. */
export type JsonObject = Record<string, unknown>;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `spec` + `podSelector` → `spec.podSelector`; keys with dots or slashes are quoted so the path stays unambiguous. */
export function childPath(path: string, key: string): string {
  const segment = PLAIN_KEY.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (path === '') return segment;
  return segment.startsWith('[') ? `${path}${segment}` : `${path}.${segment}`;
}

export function itemPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** Kubernetes treats an explicit `null` like an absent field; so do we. */
export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function readObject(value: unknown, path: string, problems: FieldProblems): JsonObject | undefined {
  if (isAbsent(value)) return undefined;
  if (!isJsonObject(value)) {
    problems.add(path, `must be an object, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

export function readArray(value: unknown, path: string, problems: FieldProblems): readonly unknown[] | undefined {
  if (isAbsent(value)) return undefined;
  if (!Array.isArray(value)) {
    problems.add(path, `must be a list, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

export function readString(value: unknown, path: string, problems: FieldProblems): string | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'string') {
    problems.add(path, `must be a string, got ${describe(value)} (quote it in YAML)`);
    return undefined;
  }
  return value;
}

export function readBoolean(value: unknown, path: string, problems: FieldProblems): boolean | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'boolean') {
    problems.add(path, `must be true or false, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

/** What a mapping may contain: fields we understand, and fields we know but deliberately refuse (with the reason). */
export interface FieldSpec {
  readonly known: readonly string[];
  readonly unsupported?: Readonly<Record<string, string>>;
}

/** Reports every field that is neither known nor ignored, so typos never silently widen a policy. */
export function checkFields(obj: JsonObject, path: string, spec: FieldSpec, problems: FieldProblems): void {
  for (const key of Object.keys(obj)) {
    if (spec.known.includes(key)) continue;
    const reason = spec.unsupported?.[key];
    if (reason !== undefined) {
      if (!isAbsent(obj[key])) problems.add(childPath(path, key), reason);
      continue;
    }
    problems.add(childPath(path, key), `unknown field "${key}"`);
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}
