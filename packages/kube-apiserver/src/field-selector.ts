/** One `field=value` / `field!=value` clause of a field selector. */
export interface FieldRequirement {
  readonly field: string;
  readonly op: 'equals' | 'notEquals';
  readonly value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
}

/** A `fieldSelector` that does not parse, or names a field the resource does not index. */
export class FieldSelectorError extends Error {
  readonly code = 'FIELD_SELECTOR_INVALID';
  constructor(
    readonly selector: string,
    reason: string,
  ) {
    super(`fieldSelector "${selector}": ${reason}`);
    this.name = 'FieldSelectorError';
  }
}

/**
 * Parses `metadata.name=x,spec.nodeName!=y`. Values may escape `\,`, `\=` and `\\` as the API allows.
 * Only equality operators exist for fields.
 */
export function parseFieldSelector(text: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const clause of splitUnescaped(text, ',')) {
    const trimmed = clause.trim();
    if (trimmed === '') continue;
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(trimmed);
    if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) {
      throw new FieldSelectorError(text, `invalid clause "${trimmed}": expected field=value or field!=value`);
    }
    requirements.push({ field: m[1].trim(), op: m[2] === '!=' ? 'notEquals' : 'equals', value: unescape(m[3]) });
  }
  return { requirements };
}

/** Checks every requirement against the fields the resource exposes; unknown fields are an error. */
export function matchesFields(selector: FieldSelector, fields: ReadonlyMap<string, string>): boolean {
  return selector.requirements.every((r) => {
    const actual = fields.get(r.field) ?? '';
    return r.op === 'equals' ? actual === r.value : actual !== r.value;
  });
}

/** Throws when the selector names a field outside `supported`, listing what is supported. */
export function checkFieldsSupported(selector: FieldSelector, supported: readonly string[], text: string): void {
  for (const r of selector.requirements) {
    if (!supported.includes(r.field)) {
      throw new FieldSelectorError(text, `field label not supported: ${r.field} (supported: ${supported.join(', ')})`);
    }
  }
}

function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + (text[i + 1] ?? '');
      i += 1;
    } else if (ch === sep) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}
