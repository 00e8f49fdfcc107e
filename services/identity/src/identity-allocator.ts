import type { IdentityRange } from './identity-options.js';

/**
 * The next free number after `after`, wrapping around the range and skipping numbers in use,
 * or undefined when every number is taken. Starting after the last allocation (instead of at
 * the lowest free number) keeps a just-released number out of use for as long as possible, so
 * a datapath still holding it for a departed workload does not see it mean something else soon.
 */
export function nextFreeIdentity(range: IdentityRange, after: number | undefined, inUse: (id: number) => boolean): number | undefined {
  const size = range.last - range.first + 1;
  const start = after === undefined || after < range.first || after > range.last ? range.last : after;
  for (let step = 1; step <= size; step++) {
    const candidate = range.first + ((start - range.first + step) % size);
    if (!inUse(candidate)) return candidate;
  }
  return undefined;
}
