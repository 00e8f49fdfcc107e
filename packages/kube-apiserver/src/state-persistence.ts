import type { ChangeEvent } from './change-event.js';
import type { StoredObject } from './kube-object.js';

/** What a restart reads back. */
export interface PersistedState {
  readonly resourceVersion: number;
  readonly objects: readonly { readonly resource: string; readonly object: StoredObject }[];
  /** Kept watch history, oldest first. */
  readonly history: readonly ChangeEvent[];
}

/**
 * The narrow port the object store writes through. `commit` is atomic: the objects, the history
 * entries and the resourceVersion counter move together or not at all.
 */
export interface StatePersistence {
  load(): PersistedState;
  /** Applies the changes and forgets history at or below `historyFloor`. */
  commit(changes: readonly ChangeEvent[], historyFloor: number): void;
  close(): void;
}
