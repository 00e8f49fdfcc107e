/** How many flows an agent keeps (Hubble's default ring size). */
export const FLOW_RING_CAPACITY = 4095;

/** The last `capacity` items, oldest overwritten first. */
export class FlowRing<T> {
  readonly capacity: number;
  readonly #items: Array<T | undefined>;
  /** Where the next item goes. */
  #next = 0;
  #size = 0;

  constructor(capacity = FLOW_RING_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`flow ring capacity ${capacity}: expected an integer of at least 1`);
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size += 1;
  }

  /** The newest `count` items that pass `keep`, oldest first; walks back from the newest and stops once it has them. */
  last(count: number, keep: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#size && out.length < count; i++) {
      const item = this.#items[(this.#next - 1 - i + this.capacity) % this.capacity] as T;
      if (keep(item)) out.push(item);
    }
    return out.reverse();
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}
