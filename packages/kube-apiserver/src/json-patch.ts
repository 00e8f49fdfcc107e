import { isRecord } from './kube-object.js';

/** A JSON patch (RFC 6902) operation that cannot be applied; `index` is its position in the patch. */
export class JsonPatchError extends Error {
  readonly code = 'JSON_PATCH_FAILED';
  constructor(
    readonly index: number,
    readonly path: string,
    reason: string,
  ) {
    super(`json patch operation ${index} at "${path}": ${reason}`);
    this.name = 'JsonPatchError';
  }
}

/** Applies an RFC 6902 patch (add, remove, replace, move, copy, test) to a copy of `document`. */
export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new JsonPatchError(0, '', 'patch must be a JSON array of operations');
  let doc: unknown = structuredClone(document);
  patch.forEach((raw: unknown, index) => {
    if (!isRecord(raw) || typeof raw['op'] !== 'string' || typeof raw['path'] !== 'string') {
      throw new JsonPatchError(index, '', 'operation needs string "op" and "path"');
    }
    const path = raw['path'];
    const fail = (reason: string): never => {
      throw new JsonPatchError(index, path, reason);
    };
    const from = (): string => (typeof raw['from'] === 'string' ? raw['from'] : fail('missing "from"'));
    const value = (): unknown => (Object.hasOwn(raw, 'value') ? structuredClone(raw['value']) : fail('missing "value"'));
    switch (raw['op']) {
      case 'add':
        doc = add(doc, parsePointer(path, fail), value(), fail);
        break;
      case 'remove':
        doc = remove(doc, parsePointer(path, fail), fail).doc;
        break;
      case 'replace':
        doc = add(remove(doc, parsePointer(path, fail), fail).doc, parsePointer(path, fail), value(), fail);
        break;
      case 'move': {
        const taken = remove(doc, parsePointer(from(), fail), fail);
        doc = add(taken.doc, parsePointer(path, fail), taken.value, fail);
        break;
      }
      case 'copy':
        doc = add(doc, parsePointer(path, fail), structuredClone(get(doc, parsePointer(from(), fail), fail)), fail);
        break;
      case 'test':
        if (JSON.stringify(get(doc, parsePointer(path, fail), fail)) !== JSON.stringify(value())) fail('test failed');
        break;
      default:
        fail(`unknown op "${String(raw['op'])}"`);
    }
  });
  return doc;
}

type Fail = (reason: string) => never;

function parsePointer(pointer: string, fail: Fail): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) fail('pointer must start with "/"');
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function get(doc: unknown, tokens: readonly string[], fail: Fail): unknown {
  let current = doc;
  for (const token of tokens) {
    if (Array.isArray(current)) current = current[arrayIndex(token, current.length - 1, fail)];
    else if (isRecord(current) && Object.hasOwn(current, token)) current = current[token];
    else fail(`"${token}" does not exist`);
  }
  return current;
}

function add(doc: unknown, tokens: readonly string[], value: unknown, fail: Fail): unknown {
  if (tokens.length === 0) return value;
  const parent = get(doc, tokens.slice(0, -1), fail);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : arrayIndex(last, parent.length, fail);
    parent.splice(index, 0, value);
  } else if (isRecord(parent)) {
    parent[last] = value;
  } else {
    fail('parent is not an object or array');
  }
  return doc;
}

function remove(doc: unknown, tokens: readonly string[], fail: Fail): { doc: unknown; value: unknown } {
  if (tokens.length === 0) fail('cannot remove the whole document');
  const parent = get(doc, tokens.slice(0, -1), fail);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const [value] = parent.splice(arrayIndex(last, parent.length - 1, fail), 1);
    return { doc, value };
  }
  if (isRecord(parent) && Object.hasOwn(parent, last)) {
    const value = parent[last];
    delete parent[last];
    return { doc, value };
  }
  return fail(`"${last}" does not exist`);
}

function arrayIndex(token: string, max: number, fail: Fail): number {
  if (!/^(0|[1-9]\d*)$/.test(token)) fail(`"${token}" is not an array index`);
  const index = Number(token);
  if (index > max) fail(`index ${index} out of bounds`);
  return index;
}
