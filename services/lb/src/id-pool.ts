/** An inclusive range of numeric ids. */
export interface IdRange {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/** Service ids: 16 bits, like Cilium's service ids. */
export const SERVICE_ID_RANGE: IdRange = { name: 'service id', min: 1, max: 0xffff };
/** Frontend ids double as rev-NAT indexes, which the conntrack entry holds in 16 bits. */
export const FRONTEND_ID_RANGE: IdRange = { name: 'frontend id', min: 1, max: 0xffff };
/** Backend ids: 32 bits, one per ip/port/protocol. */
export const BACKEND_ID_RANGE: IdRange = { name: 'backend id', min: 1, max: 0xffffffff };

/**
 * Ids in use and where the next search starts. The cursor only moves past ids handed out, so a
 * released id is reused only after the cursor went round the whole range: a late event or a
 * stale datapath entry naming an old id cannot hit its successor.
 */
export interface IdPool {
  next: number;
  /** id -> key of what holds it. */
  readonly inUse: Map<number, string>;
}

/** A pool with nothing in use, its cursor at the start of the range. */
export function emptyPool(range: IdRange): IdPool {
  return { next: range.min, inUse: new Map() };
}

/** The id after `id`, wrapping to the start of the range. */
export function idAfter(range: IdRange, id: number): number {
  return id >= range.max ? range.min : id + 1;
}

/**
 * Hands out ids for one decision without touching the pool: ids taken earlier in the same
 * decision count as used. Applying the decided events moves the pool's cursor the same way.
 */
export class IdAllocator {
  private readonly taken = new Set<number>();
  private cursor: number;

  constructor(
    private readonly range: IdRange,
    private readonly pool: IdPool,
  ) {
    this.cursor = pool.next;
  }

  /** The next free id at or after the cursor, wrapping; undefined when the range is full. */
  allocate(): number | undefined {
    const size = this.range.max - this.range.min + 1;
    if (this.pool.inUse.size + this.taken.size >= size) return undefined;
    let id = this.cursor;
    // Terminates: fewer ids are used than the range holds, so a free one is at most that many steps away.
    while (this.pool.inUse.has(id) || this.taken.has(id)) id = idAfter(this.range, id);
    this.taken.add(id);
    this.cursor = idAfter(this.range, id);
    return id;
  }
}
