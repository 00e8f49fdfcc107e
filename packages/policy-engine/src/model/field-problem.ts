/** One problem with one field of an input object; `field` is a path such as `spec.ingress[0].from[1].ipBlock.cidr`. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * Collects problems while walking an input so the author sees all of them at once,
 * instead of fixing one field per round trip.
 */
export class FieldProblems {
  readonly #problems: FieldProblem[] = [];

  add(field: string, message: string): void {
    this.#problems.push({ field, message });
  }

  get list(): readonly FieldProblem[] {
    return this.#problems;
  }

  get size(): number {
    return this.#problems.length;
  }
}
