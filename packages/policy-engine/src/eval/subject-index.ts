import type { Labels } from '../labels/label-selector.js';
import { POD_NAMESPACE_LABEL } from '../labels/security-labels.js';
import type { Direction } from '../model/normalized-policy.js';
import type { CompiledDirection, CompiledSubject } from './compile-policy.js';

/** A subject that selects an endpoint for a direction, with that direction's rules. */
export interface Selection {
  readonly subject: CompiledSubject;
  readonly rules: CompiledDirection;
}

interface Entry {
  readonly order: number;
  readonly subject: CompiledSubject;
}

/** The single namespace a subject selector is pinned to, if any (true of every namespaced policy). */
function pinnedNamespace(subject: CompiledSubject): string | undefined {
  const pin = subject.selector.requirements.find((r) => r.key === POD_NAMESPACE_LABEL && r.operator === 'In' && r.values.length === 1);
  return pin?.values[0];
}

/**
 * Finds the subjects that select an identity. Namespaced subjects are bucketed by namespace so a
 * lookup only tests the policies of the identity's namespace plus the cluster-wide ones.
 */
export class SubjectIndex {
  readonly #byNamespace = new Map<string, Entry[]>();
  readonly #anywhere: Entry[] = [];

  constructor(subjects: readonly CompiledSubject[]) {
    subjects.forEach((subject, order) => {
      const ns = pinnedNamespace(subject);
      if (ns === undefined) {
        this.#anywhere.push({ order, subject });
        return;
      }
      let bucket = this.#byNamespace.get(ns);
      if (bucket === undefined) this.#byNamespace.set(ns, (bucket = []));
      bucket.push({ order, subject });
    });
  }

  /** Selections in policy order, so verdicts list rules deterministically. */
  select(labels: Labels, direction: Direction): Selection[] {
    const ns = Object.hasOwn(labels, POD_NAMESPACE_LABEL) ? labels[POD_NAMESPACE_LABEL] : undefined;
    const local = ns === undefined ? undefined : this.#byNamespace.get(ns);
    const candidates = local === undefined ? this.#anywhere
      : this.#anywhere.length === 0 ? local
      : [...local, ...this.#anywhere].sort((a, b) => a.order - b.order);
    const out: Selection[] = [];
    for (const { subject } of candidates) {
      const rules = subject[direction];
      if (rules !== null && subject.selects(labels)) out.push({ subject, rules });
    }
    return out;
  }
}
