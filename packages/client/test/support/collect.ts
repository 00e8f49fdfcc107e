/**
 * Takes `count` items from an async iterable (without ending it), or fails after `timeoutMs`
 * with what arrived so far: a test that lost events fails with a message instead of hanging.
 */
export async function take<T>(iterable: AsyncIterable<T>, count: number, timeoutMs = 60_000): Promise<T[]> {
  const out: T[] = [];
  if (count === 0) return out;
  const iterator = iterable[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`got ${out.length} of ${count} items within ${timeoutMs} ms: ${JSON.stringify(out.map(brief))}`)), timeoutMs);
  });
  try {
    while (out.length < count) {
      const r = await Promise.race([iterator.next(), timeout]);
      if (r.done) throw new Error(`iteration ended after ${out.length} of ${count} items`);
      out.push(r.value);
    }
    return out;
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `test` until it holds; false after `timeoutMs`. */
export async function eventually(test: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function brief(item: unknown): unknown {
  return typeof item === 'object' && item !== null && 'seq' in item ? (item as { seq: unknown }).seq : item;
}
