/** Runs one write to a database file after every earlier write to that file in this process. */
export interface WriteLock {
  <T>(work: () => Promise<T>): Promise<T>;
  /** Takes the lock at once if nobody holds or waits for it: its release, or undefined. */
  tryAcquire(): (() => void) | undefined;
}

// Tail of the queue of writes, per database file (real path, or a symbol for a private one), shared by every connection this
// process opened on that file. Entries are removed when their queue drains.
const queues = new Map<string | symbol, Promise<void>>();

/**
 * A process-wide write lock for one SQLite file.
 *
 * Why: better-sqlite3 is synchronous. When two connections of one process write the same file,
 * one holds SQLite's write lock across the awaits of its transaction while the other, waiting
 * for that lock in busy_timeout, blocks the very event loop the first needs to commit: both
 * stall for the whole timeout and the second fails with SQLITE_BUSY. Queuing writes in
 * JavaScript first means a connection only asks SQLite for the lock when nobody here holds it.
 * busy_timeout still covers writers in other processes, which make progress on their own.
 */
export function sqliteWriteLock(realPath: string | symbol): WriteLock {
  const run = <T>(work: () => Promise<T>): Promise<T> => {
    const previous = queues.get(realPath) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => done);
    queues.set(realPath, tail);
    return previous.then(work).finally(() => {
      release();
      if (queues.get(realPath) === tail) queues.delete(realPath);
    });
  };
  const tryAcquire = (): (() => void) | undefined => {
    if (queues.has(realPath)) return undefined;
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    queues.set(realPath, done);
    return () => {
      release();
      if (queues.get(realPath) === done) queues.delete(realPath);
    };
  };
  return Object.assign(run, { tryAcquire });
}
