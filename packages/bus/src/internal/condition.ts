interface Waiter {
  readonly test: () => boolean;
  readonly resolve: (met: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

/** Lets callers wait until a predicate over some state holds; the owner calls `check()` after each change. */
export class Condition {
  private readonly waiters = new Set<Waiter>();

  waitUntil(test: () => boolean, timeoutMs: number): Promise<boolean> {
    if (test()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        test,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve(test());
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  check(): void {
    for (const w of [...this.waiters]) {
      if (!w.test()) continue;
      clearTimeout(w.timer);
      this.waiters.delete(w);
      w.resolve(true);
    }
  }
}
