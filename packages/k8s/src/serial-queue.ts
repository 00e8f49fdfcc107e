/**
 * Runs tasks one at a time in the order they were pushed; a task starts only after the
 * previous one settled. A failing task is reported and does not stop the queue.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (error: unknown) => void) {}

  push(task: () => void | Promise<void>): void {
    this.tail = this.tail.then(task).catch(this.onError);
  }

  /** Resolves when every task pushed so far has settled. */
  idle(): Promise<void> {
    return this.tail;
  }
}
