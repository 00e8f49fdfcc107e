/** One clause of a label selector, as the API's `labels.Parse` understands it. */
export type LabelRequirement =
  | { readonly kind: 'equals'; readonly key: string; readonly value: string }
  | { readonly kind: 'notEquals'; readonly key: string; readonly value: string }
  | { readonly kind: 'in'; readonly key: string; readonly values: readonly string[] }
  | { readonly kind: 'notIn'; readonly key: string; readonly values: readonly string[] }
  | { readonly kind: 'exists'; readonly key: string }
  | { readonly kind: 'doesNotExist'; readonly key: string }
  | { readonly kind: 'greaterThan'; readonly key: string; readonly value: number }
  | { readonly kind: 'lessThan'; readonly key: string; readonly value: number };

/** All clauses must hold (the API ANDs them); an empty selector matches everything. */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
}

/** A `labelSelector` query parameter that does not parse; `position` is the offending character index. */
export class LabelSelectorSyntaxError extends Error {
  readonly code = 'LABEL_SELECTOR_SYNTAX';
  constructor(
    readonly selector: string,
    readonly position: number,
    reason: string,
  ) {
    super(`unable to parse requirement: labelSelector "${selector}" at ${position}: ${reason}`);
    this.name = 'LabelSelectorSyntaxError';
  }
}

const SPECIAL = new Set([',', '(', ')', '=', '!', '<', '>', ' ', '\t']);

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h,n>3` into requirements. */
export function parseLabelSelector(text: string): LabelSelector {
  const p = new Cursor(text);
  const requirements: LabelRequirement[] = [];
  p.skipSpace();
  if (p.done()) return { requirements };
  for (;;) {
    requirements.push(parseRequirement(p));
    p.skipSpace();
    if (p.done()) break;
    p.expect(',');
  }
  return { requirements };
}

function parseRequirement(p: Cursor): LabelRequirement {
  p.skipSpace();
  if (p.peek() === '!' && p.peekAt(1) !== '=') {
    p.advance();
    return { kind: 'doesNotExist', key: p.word('label key') };
  }
  const key = p.word('label key');
  p.skipSpace();
  const c = p.peek();
  if (p.done() || c === ',') return { kind: 'exists', key };
  if (c === '=') {
    p.advance();
    if (p.peek() === '=') p.advance();
    return { kind: 'equals', key, value: p.optionalWord() };
  }
  if (c === '!') {
    p.advance();
    p.expect('=');
    return { kind: 'notEquals', key, value: p.optionalWord() };
  }
  if (c === '>' || c === '<') {
    p.advance();
    const raw = p.word('integer value');
    const value = Number(raw);
    if (!Number.isInteger(value)) throw p.error(`${raw} is not an integer`);
    return c === '>' ? { kind: 'greaterThan', key, value } : { kind: 'lessThan', key, value };
  }
  const op = p.word('operator');
  if (op !== 'in' && op !== 'notin') throw p.error(`unknown operator ${op}`);
  const values = parseValueSet(p);
  return op === 'in' ? { kind: 'in', key, values } : { kind: 'notIn', key, values };
}

function parseValueSet(p: Cursor): string[] {
  p.skipSpace();
  p.expect('(');
  const values: string[] = [];
  for (;;) {
    values.push(p.optionalWord());
    p.skipSpace();
    if (p.peek() === ')') {
      p.advance();
      return values;
    }
    p.expect(',');
  }
}

class Cursor {
  private pos = 0;
  constructor(private readonly text: string) {}
  done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string | undefined {
    return this.text[this.pos];
  }
  peekAt(offset: number): string | undefined {
    return this.text[this.pos + offset];
  }
  advance(): void {
    this.pos += 1;
  }
  skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos += 1;
  }
  expect(ch: string): void {
    this.skipSpace();
    if (this.peek() !== ch) throw this.error(`expected '${ch}'`);
    this.pos += 1;
  }
  optionalWord(): string {
    this.skipSpace();
    const start = this.pos;
    while (!this.done() && !SPECIAL.has(this.text[this.pos] ?? '')) this.pos += 1;
    return this.text.slice(start, this.pos);
  }
  word(what: string): string {
    const w = this.optionalWord();
    if (w === '') throw this.error(`expected ${what}`);
    return w;
  }
  error(reason: string): LabelSelectorSyntaxError {
    return new LabelSelectorSyntaxError(this.text, this.pos, reason);
  }
}

/** True when the labels satisfy every requirement. Missing labels fail `=`/`in` and pass `!=`/`notin`. */
export function matchesLabels(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const set = labels ?? {};
  return selector.requirements.every((r) => matchesRequirement(r, set));
}

function matchesRequirement(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.kind) {
    case 'equals':
      return has && value === r.value;
    case 'notEquals':
      return !has || value !== r.value;
    case 'in':
      return has && r.values.includes(value ?? '');
    case 'notIn':
      return !has || !r.values.includes(value ?? '');
    case 'exists':
      return has;
    case 'doesNotExist':
      return !has;
    case 'greaterThan':
      return has && Number.isInteger(Number(value)) && Number(value) > r.value;
    case 'lessThan':
      return has && Number.isInteger(Number(value)) && Number(value) < r.value;
  }
}
