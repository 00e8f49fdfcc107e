/**
 * A sleep that can be cut short. `wait(ms)` resolves after `ms` or at the next `fire()`;
 * a `fire()` while nobody waits is remembered, so a wake-up that arrives during work is not lost.
 */
export class WakeSignal {
  private readonly waiters = new Set<() => void>();
  private pending = false;

  fire(): void {
    if (this.waiters.size === 0) {
      this.pending = true;
      return;
    }
    for (const wake of [...this.waiters]) wake();
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }
}
