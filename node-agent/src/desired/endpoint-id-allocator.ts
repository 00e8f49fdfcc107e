/** The first and last endpoint id (the policy map of endpoint n is `nl_policy_<n>`). */
export const FIRST_ENDPOINT_ID = 1;
export const LAST_ENDPOINT_ID = 65535;

/**
 * Endpoint ids for local endpoints, keyed by pod uid: the lowest free id, or a preferred one
 * (read back from the maps after a restart, or held before a stream re-bootstrap) when it is
 * free, so an endpoint keeps its id and its pinned policy map. Ids promised to a uid that has
 * not come back yet are not handed to others while other ids are free.
 */
export class EndpointIdAllocator {
  readonly #byUid = new Map<string, number>();
  readonly #owner = new Map<number, string>();
  /** uid -> id it should get back, and the reverse. */
  readonly #promised = new Map<string, number>();
  readonly #promisedTo = new Map<number, string>();
  /** No id below this is free (ids below it are owned or promised). */
  #lowestCandidate = FIRST_ENDPOINT_ID;

  constructor(private readonly last: number = LAST_ENDPOINT_ID) {}

  idOf(uid: string): number | undefined {
    return this.#byUid.get(uid);
  }

  get size(): number {
    return this.#byUid.size;
  }

  /** Promises ids to uids (an earlier promise for the same uid or id is replaced). */
  promise(uid: string, id: number): void {
    if (id < FIRST_ENDPOINT_ID || id > this.last) return;
    const previous = this.#promised.get(uid);
    if (previous !== undefined) this.#promisedTo.delete(previous);
    const holder = this.#promisedTo.get(id);
    if (holder !== undefined) this.#promised.delete(holder);
    this.#promised.set(uid, id);
    this.#promisedTo.set(id, uid);
  }

  /** Drops every promise not yet claimed. */
  forgetPromises(): void {
    this.#promised.clear();
    this.#promisedTo.clear();
    this.#lowestCandidate = FIRST_ENDPOINT_ID;
  }

  /** The uid's id (existing, promised when free, else the lowest free); undefined when all are taken. */
  allocate(uid: string): number | undefined {
    const existing = this.#byUid.get(uid);
    if (existing !== undefined) return existing;
    const promised = this.#promised.get(uid);
    if (promised !== undefined) {
      this.#promised.delete(uid);
      this.#promisedTo.delete(promised);
      if (!this.#owner.has(promised)) return this.#take(uid, promised);
    }
    const id = this.#lowestFree(false) ?? this.#lowestFree(true);
    return id === undefined ? undefined : this.#take(uid, id);
  }

  release(uid: string): number | undefined {
    const id = this.#byUid.get(uid);
    if (id === undefined) return undefined;
    this.#byUid.delete(uid);
    this.#owner.delete(id);
    if (id < this.#lowestCandidate) this.#lowestCandidate = id;
    return id;
  }

  #take(uid: string, id: number): number {
    this.#byUid.set(uid, id);
    this.#owner.set(id, uid);
    return id;
  }

  // Scans from the lowest candidate; ids skipped because they are owned stay behind the
  // candidate, so repeated allocations do not rescan them.
  #lowestFree(evenPromised: boolean): number | undefined {
    let advancing = true;
    for (let id = evenPromised ? FIRST_ENDPOINT_ID : this.#lowestCandidate; id <= this.last; id++) {
      if (this.#owner.has(id)) {
        if (advancing && !evenPromised) this.#lowestCandidate = id + 1;
        continue;
      }
      if (this.#promisedTo.has(id)) {
        if (!evenPromised) {
          advancing = false;
          continue;
        }
        const holder = this.#promisedTo.get(id)!;
        this.#promisedTo.delete(id);
        this.#promised.delete(holder);
      }
      return id;
    }
    return undefined;
  }
}
