/** Outcome of an allocation: expected failures are results, not exceptions. */
export type Allocation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: 'taken' | 'out-of-range' | 'exhausted' | 'malformed' };

/**
 * Hands out integers from `[first, last]`, next-fit: the search resumes after the last grant, so a
 * value just released is not given to the next caller at once (clients caching the old owner's value
 * get a moment to notice). Pure in-memory state; persistence lives with the objects that hold values.
 */
export class RangeAllocator {
  private readonly used = new Set<number>();
  private cursor: number;

  constructor(
    readonly first: number,
    readonly last: number,
  ) {
    if (!Number.isInteger(first) || !Number.isInteger(last) || first > last) {
      throw new RangeError(`range allocator: invalid range [${first}, ${last}]`);
    }
    this.cursor = first;
  }

  get size(): number {
    return this.last - this.first + 1;
  }

  get allocatedCount(): number {
    return this.used.size;
  }

  contains(value: number): boolean {
    return Number.isInteger(value) && value >= this.first && value <= this.last;
  }

  isAllocated(value: number): boolean {
    return this.used.has(value);
  }

  /** Claims a specific value. */
  allocate(value: number): Allocation<number> {
    if (!this.contains(value)) return { ok: false, reason: 'out-of-range' };
    if (this.used.has(value)) return { ok: false, reason: 'taken' };
    this.used.add(value);
    return { ok: true, value };
  }

  /** Claims the next free value after the previous grant, wrapping around once. */
  allocateNext(): Allocation<number> {
    if (this.used.size >= this.size) return { ok: false, reason: 'exhausted' };
    for (let i = 0; i < this.size; i += 1) {
      const candidate = this.first + ((this.cursor - this.first + i) % this.size);
      if (!this.used.has(candidate)) {
        this.used.add(candidate);
        this.cursor = candidate === this.last ? this.first : candidate + 1;
        return { ok: true, value: candidate };
      }
    }
    return { ok: false, reason: 'exhausted' };
  }

  /** Frees a value; freeing a free value is a no-op (idempotent delete). */
  release(value: number): void {
    this.used.delete(value);
  }
}
