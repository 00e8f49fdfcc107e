import { IP_PROTOCOL, type Lb4BackendKey, type Lb4BackendValue } from '@netledger/datapath';
import { ChangeTracker } from './change-tracker.js';
import type { BackendRecord } from './cluster-view.js';
import type { DesiredEntry, DesiredMap, TableChanges } from './desired-map.js';
import { LB4_BACKEND_KEYS } from './map-key-strings.js';
import { structurallyEqual } from './structurally-equal.js';

/** IP protocol numbers of the protocols a service port can have. */
export const LB_PROTOCOL_NUMBER: Readonly<Record<BackendRecord['protocol'], number>> = { TCP: IP_PROTOCOL.TCP, UDP: IP_PROTOCOL.UDP, SCTP: IP_PROTOCOL.SCTP };

/**
 * The desired `lb4_backends` map: every backend some slot names, counted per slot so a backend
 * two services share stays until neither names it. It holds the cluster view's own backend
 * records and derives each entry's value from them, so a backend costs one map entry here.
 */
export class Lb4BackendTable implements DesiredMap<Lb4BackendKey, Lb4BackendValue> {
  readonly #records = new Map<number, BackendRecord>();
  /** Slots naming a backend, for the backends more than one slot names (absent: one). */
  readonly #sharedBy = new Map<number, number>();
  readonly #changes = new ChangeTracker<Lb4BackendValue>();

  /** One more slot names the backend; its entry says what `record` says from now on. */
  acquire(record: BackendRecord): void {
    const id = record.backendId;
    const current = this.#records.get(id);
    if (current !== undefined) this.#sharedBy.set(id, (this.#sharedBy.get(id) ?? 1) + 1);
    const before = current === undefined ? undefined : valueOf(current);
    const after = valueOf(record);
    if (!structurallyEqual(before, after)) this.#changes.remember(String(id), before);
    // The newest record even when the value is the same: the view may have dropped the old one.
    this.#records.set(id, record);
  }

  /** One slot fewer names the backend; its entry goes with the last. */
  release(backendId: number): void {
    const current = this.#records.get(backendId);
    if (current === undefined) return;
    const slots = this.#sharedBy.get(backendId);
    if (slots === undefined) {
      this.#changes.remember(String(backendId), valueOf(current));
      this.#records.delete(backendId);
    } else if (slots > 2) {
      this.#sharedBy.set(backendId, slots - 1);
    } else {
      this.#sharedBy.delete(backendId);
    }
  }

  // ---- the desired map ------------------------------------------------------------------

  get size(): number {
    return this.#records.size;
  }

  keyOf(key: Lb4BackendKey): string {
    return LB4_BACKEND_KEYS.stringOf(key);
  }

  keyFrom(keyString: string): Lb4BackendKey {
    return LB4_BACKEND_KEYS.parse(keyString);
  }

  get(key: Lb4BackendKey): Lb4BackendValue | undefined {
    const record = this.#records.get(key.backendId);
    return record === undefined ? undefined : valueOf(record);
  }

  getByKeyString(keyString: string): Lb4BackendValue | undefined {
    return this.get(LB4_BACKEND_KEYS.parse(keyString));
  }

  *entries(): IterableIterator<DesiredEntry<Lb4BackendKey, Lb4BackendValue>> {
    for (const [backendId, record] of this.#records) yield { key: { backendId }, value: valueOf(record) };
  }

  *keyedValues(): IterableIterator<[string, Lb4BackendValue]> {
    for (const [backendId, record] of this.#records) yield [String(backendId), valueOf(record)];
  }

  get touched(): boolean {
    return this.#changes.touched(this.#records.size);
  }

  takeChanges(): TableChanges<Lb4BackendKey, Lb4BackendValue> {
    return this.#changes.take(LB4_BACKEND_KEYS, (k) => this.getByKeyString(k), () => this.keyedValues());
  }

  forgetChanges(): void {
    this.#changes.forget();
  }
}

function valueOf(record: BackendRecord): Lb4BackendValue {
  return { address: record.ip, port: record.port, protocol: LB_PROTOCOL_NUMBER[record.protocol], state: record.state };
}
