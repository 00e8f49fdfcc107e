export interface ShutdownOptions {
  /** Also stop when the parent process exits (the process is re-parented), so no child outlives its supervisor. */
  readonly exitWithParent?: boolean;
  readonly log?: (msg: string) => void;
}

/**
 * Runs `stop` once on SIGINT or SIGTERM (or when the parent goes away), then exits. A second
 * signal while stopping exits at once with code 130, so a stuck shutdown can be interrupted.
 */
export function onShutdown(stop: (reason: string) => Promise<void>, options: ShutdownOptions = {}): void {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  let stopping = false;
  const begin = (reason: string): void => {
    if (stopping) {
      log(`${reason} again: exiting without a clean stop`);
      process.exit(130);
    }
    stopping = true;
    stop(reason).then(
      () => process.exit(0),
      (e: unknown) => {
        log(`stop failed: ${String(e)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => begin('SIGINT'));
  process.on('SIGTERM', () => begin('SIGTERM'));
  if (options.exitWithParent) {
    const parent = process.ppid;
    const timer = setInterval(() => {
      if (process.ppid !== parent) begin('parent exited');
    }, 500);
    timer.unref();
  }
}
