import type { Lb4BackendKey, Lb4BackendValue, Lb4RevNatKey, Lb4RevNatValue, Lb4ServiceKey, Lb4ServiceValue, MapEntry } from '@netledger/datapath';
import { lb4BackendKeyString, lb4RevNatKeyString, lb4ServiceKeyString } from '../desired/map-key-strings.js';
import type { ApplyOutcome, MapSync, SyncProgress } from './map-sync.js';
import type { OperationCounter } from './reconcile-stats.js';

type Outcome = (outcome: ApplyOutcome, sync: SyncProgress) => void;

/**
 * The LB maps, written so that no packet meets a slot naming a missing backend or a master
 * counting slots that are not there or naming a missing rev-NAT entry: backends, slots,
 * rev-NAT and masters are written, then masters, slots, rev-NAT and backends deleted. When a
 * map is full, what depends on the missing entries waits (a slot for its backend, a master for
 * its slots and rev-NAT entry, a slot delete for its master's smaller count, a rev-NAT delete
 * for every master naming it, a backend delete for every slot naming it to go) and the rest
 * still runs, so deletes can make room; a run that freed room after a full map goes once more.
 */
export class LbSync {
  readonly #services: MapSync<Lb4ServiceKey, Lb4ServiceValue>;
  readonly #backends: MapSync<Lb4BackendKey, Lb4BackendValue>;
  readonly #revNat: MapSync<Lb4RevNatKey, Lb4RevNatValue>;

  constructor(services: MapSync<Lb4ServiceKey, Lb4ServiceValue>, backends: MapSync<Lb4BackendKey, Lb4BackendValue>, revNat: MapSync<Lb4RevNatKey, Lb4RevNatValue>) {
    this.#services = services;
    this.#backends = backends;
    this.#revNat = revNat;
  }

  /** Full diff of the three maps against the desired tables (start). */
  diffAgainstMaps(): void {
    this.#services.diffAgainstMap();
    this.#backends.diffAgainstMap();
    this.#revNat.diffAgainstMap();
  }

  run(counter: OperationCounter, outcome: Outcome): void {
    for (let pass = 0; pass < 2; pass++) {
      const full = this.#pass(counter, outcome);
      if (!full.failed || !full.freed) return;
    }
  }

  #pass(counter: OperationCounter, report: Outcome): { failed: boolean; freed: boolean } {
    const services = this.#services;
    let failed = false;
    const note = (o: ApplyOutcome, sync: SyncProgress): ApplyOutcome => {
      report(o, sync);
      if (!o.ok) failed = true;
      return o;
    };
    const backendReady = (id: number): boolean => !this.#backends.isPending(lb4BackendKeyString({ backendId: id }));

    note(this.#backends.applyUpserts(this.#backends.upserts(), counter), this.#backends);

    const slots = services.upserts((e) => e.key.slot > 0 && backendReady(e.value.backendId));
    note(services.applyUpserts(slots, counter), services);

    note(this.#revNat.applyUpserts(this.#revNat.upserts(), counter), this.#revNat);

    const masters = services.upserts((e) => e.key.slot === 0 && this.#frontendReady(e));
    note(services.applyUpserts(masters, counter), services);

    services.applyDeletes(services.deletes((k) => k.slot === 0), counter);

    // A slot past the count goes once its master holds the smaller count.
    const slotDeletes = services.deletes((k) => k.slot > 0 && !services.isPending(lb4ServiceKeyString({ ...k, slot: 0 })));
    services.applyDeletes(slotDeletes, counter);

    // A rev-NAT entry or a backend goes once no entry of the services map names it. Entries
    // in sync hold what the desired state says, which names none being deleted; an entry
    // waiting for its write still holds what it held before, which may.
    const named = this.#namedByPendingEntries();
    this.#revNat.applyDeletes(this.#revNat.deletes((k) => !named.revNats.has(k.revNatIndex)), counter);

    const backendDeletes = this.#backends.deletes((k) => !named.backends.has(k.backendId));
    this.#backends.applyDeletes(backendDeletes, counter);
    return { failed, freed: backendDeletes.length > 0 || slotDeletes.length > 0 };
  }

  /** Every slot the master counts, and its rev-NAT entry, are in the maps. */
  #frontendReady(master: MapEntry<Lb4ServiceKey, Lb4ServiceValue>): boolean {
    if (this.#revNat.isPending(lb4RevNatKeyString({ revNatIndex: master.value.revNatIndex }))) return false;
    for (let slot = 1; slot <= master.value.count; slot++) {
      if (this.#services.isPending(lb4ServiceKeyString({ ...master.key, slot }))) return false;
    }
    return true;
  }

  /** Rev-NAT ids (masters) and backend ids (slots) that entries waiting for their operation hold in the map. */
  #namedByPendingEntries(): { revNats: Set<number>; backends: Set<number> } {
    const named = { revNats: new Set<number>(), backends: new Set<number>() };
    for (const [keyString, actual] of this.#services.pendingActual()) {
      if (actual === undefined) continue;
      if (keyString.endsWith('#0')) named.revNats.add(actual.revNatIndex);
      else named.backends.add(actual.backendId);
    }
    return named;
  }
}
