import type { Lb4ServiceKey, Lb4ServiceValue } from '@netledger/datapath';
import { ChangeTracker } from './change-tracker.js';
import type { DesiredEntry, DesiredMap, TableChanges } from './desired-map.js';
import { LB4_SERVICE_KEYS } from './map-key-strings.js';
import { structurallyEqual } from './structurally-equal.js';

/** What one frontend asks of the services map: its master (slot 0) and one slot per backend. */
export interface FrontendSlots {
  /** The service writing it (a frontend moving between services is left to its new owner). */
  readonly owner: number;
  /** The master's `backendId` field: the affinity timeout in seconds, or 0. */
  readonly affinityTimeout: number;
  readonly revNat: number;
  /** The master's SERVICE_FLAGS; slots carry none. */
  readonly flags: number;
  /** The backend of each slot from slot 1 (the master counts them). */
  readonly backendIds: readonly number[];
}

/**
 * The desired `lb4_services` map, held per frontend rather than per slot: one record with the
 * master's fields and its backend ids, from which every slot's value follows (a slot carries
 * its backend id and its frontend's rev-NAT id). A frontend with ten backends is one record
 * instead of eleven entries, and a change replaces it whole.
 */
export class Lb4ServiceTable implements DesiredMap<Lb4ServiceKey, Lb4ServiceValue> {
  /** By frontend key (`lb4FrontendKeyString`); a slot's key string is `<frontend key>#<slot>`. */
  readonly #frontends = new Map<string, FrontendSlots>();
  readonly #changes = new ChangeTracker<Lb4ServiceValue>();
  #size = 0;

  frontend(frontendKey: string): FrontendSlots | undefined {
    return this.#frontends.get(frontendKey);
  }

  /** Replaces a frontend's master and slots (undefined: removes them). */
  setFrontend(frontendKey: string, next: FrontendSlots | undefined): void {
    const current = this.#frontends.get(frontendKey);
    if (current === next || (current !== undefined && next !== undefined && structurallyEqual(current, next))) return;
    const slots = Math.max(slotCount(current), slotCount(next));
    for (let slot = 0; slot < slots; slot++) {
      const before = slotValue(current, slot);
      if (!structurallyEqual(before, slotValue(next, slot))) this.#changes.remember(slotKey(frontendKey, slot), before);
    }
    this.#size += slotCount(next) - slotCount(current);
    if (next === undefined) this.#frontends.delete(frontendKey);
    else this.#frontends.set(frontendKey, next);
  }

  // ---- the desired map ------------------------------------------------------------------

  get size(): number {
    return this.#size;
  }

  keyOf(key: Lb4ServiceKey): string {
    return LB4_SERVICE_KEYS.stringOf(key);
  }

  keyFrom(keyString: string): Lb4ServiceKey {
    return LB4_SERVICE_KEYS.parse(keyString);
  }

  get(key: Lb4ServiceKey): Lb4ServiceValue | undefined {
    return this.getByKeyString(LB4_SERVICE_KEYS.stringOf(key));
  }

  getByKeyString(keyString: string): Lb4ServiceValue | undefined {
    const hash = keyString.lastIndexOf('#');
    if (hash < 0) return undefined;
    return slotValue(this.#frontends.get(keyString.slice(0, hash)), Number(keyString.slice(hash + 1)));
  }

  *entries(): IterableIterator<DesiredEntry<Lb4ServiceKey, Lb4ServiceValue>> {
    for (const [k, value] of this.keyedValues()) yield { key: LB4_SERVICE_KEYS.parse(k), value };
  }

  *keyedValues(): IterableIterator<[string, Lb4ServiceValue]> {
    for (const [frontendKey, f] of this.#frontends) {
      for (let slot = 0; slot <= f.backendIds.length; slot++) yield [slotKey(frontendKey, slot), slotValue(f, slot)!];
    }
  }

  get touched(): boolean {
    return this.#changes.touched(this.#size);
  }

  takeChanges(): TableChanges<Lb4ServiceKey, Lb4ServiceValue> {
    return this.#changes.take(LB4_SERVICE_KEYS, (k) => this.getByKeyString(k), () => this.keyedValues());
  }

  forgetChanges(): void {
    this.#changes.forget();
  }
}

function slotKey(frontendKey: string, slot: number): string {
  return `${frontendKey}#${slot}`;
}

/** Entries a frontend has in the map: its master and its slots. */
function slotCount(f: FrontendSlots | undefined): number {
  return f === undefined ? 0 : f.backendIds.length + 1;
}

function slotValue(f: FrontendSlots | undefined, slot: number): Lb4ServiceValue | undefined {
  if (f === undefined || !Number.isInteger(slot) || slot < 0 || slot > f.backendIds.length) return undefined;
  if (slot === 0) return { backendId: f.affinityTimeout, count: f.backendIds.length, revNatIndex: f.revNat, flags: f.flags };
  return { backendId: f.backendIds[slot - 1]!, count: 0, revNatIndex: f.revNat, flags: 0 };
}
