/** A clock the test moves by hand; shared by the log (event times) and the domain (GC). */
export class ManualClock {
  private current: number;

  constructor(iso = '2026-01-01T10:00:00.000Z') {
    this.current = Date.parse(iso);
  }

  readonly now = (): Date => new Date(this.current);

  advance(ms: number): void {
    this.current += ms;
  }
}
