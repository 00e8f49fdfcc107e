/**
 * What is wrong with a stored cause, or undefined when it is one: the shape of CauseSchema
 * (@netledger/contracts) written out by hand, because it runs once per replayed event and
 * compiling the schema would make TypeBox a dependency of the log. A test checks the two agree.
 */
export function causeProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'expected an object';
  const c = v as Record<string, unknown>;
  if (c.kind === 'kubernetes') {
    let keys = 5;
    if (typeof c.objectKind !== 'string') return 'objectKind: expected a string';
    if (typeof c.name !== 'string') return 'name: expected a string';
    if (typeof c.uid !== 'string') return 'uid: expected a string';
    if (typeof c.resourceVersion !== 'string') return 'resourceVersion: expected a string';
    if (c.namespace !== undefined) {
      if (typeof c.namespace !== 'string') return 'namespace: expected a string';
      keys++;
    }
    return extraKeys(c, keys);
  }
  if (c.kind === 'command') {
    if (typeof c.command !== 'string') return 'command: expected a string';
    if (typeof c.actor !== 'string') return 'actor: expected a string';
    return extraKeys(c, 3);
  }
  return `kind: expected "kubernetes" or "command", found ${JSON.stringify(c.kind) ?? 'nothing'}`;
}

// Counting is enough: every expected key was just checked to be there.
function extraKeys(c: Record<string, unknown>, expected: number): string | undefined {
  let n = 0;
  for (const _ in c) n++;
  return n === expected ? undefined : `${n - expected} unexpected field(s)`;
}
