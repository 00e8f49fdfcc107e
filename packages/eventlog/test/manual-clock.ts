/** A clock the test moves by hand, to control the times the log stamps on events. */
export class ManualClock {
  private current: Date;

  constructor(iso = '2026-01-01T10:00:00.000Z') {
    this.current = new Date(iso);
  }

  /** The function to hand to the log as its clock. */
  readonly now = (): Date => new Date(this.current);

  set(iso: string): void {
    this.current = new Date(iso);
  }
}
