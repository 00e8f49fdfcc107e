/**
 * Undo steps run newest first, once: by the bench's finally block, or by SIGINT/SIGTERM (a
 * bench stopped with Ctrl-C must not leave namespaces, veths, addresses or pinned programs
 * behind). Steps are synchronous so a signal handler can run them to the end.
 */
export class Teardown {
  readonly #steps: Array<{ readonly what: string; readonly run: () => void }> = [];
  readonly #abort = new AbortController();
  readonly #onSignal = (signal: NodeJS.Signals): void => {
    this.run();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  constructor() {
    process.once('SIGINT', this.#onSignal);
    process.once('SIGTERM', this.#onSignal);
  }

  /** Aborted as the teardown starts: processes spawned with it are killed first. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Adds a step; `what` names it in the warning if it fails. */
  add(what: string, run: () => void): void {
    this.#steps.push({ what, run });
  }

  /** Runs every step (a failing one is reported on stderr, the others still run). */
  run(): void {
    process.off('SIGINT', this.#onSignal);
    process.off('SIGTERM', this.#onSignal);
    this.#abort.abort();
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        step.run();
      } catch (e) {
        process.stderr.write(`datapath bench: cleanup (${step.what}) failed: ${(e as Error).message}\n`);
      }
    }
  }
}
