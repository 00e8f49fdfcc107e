import { Worker } from 'node:worker_threads';
import { StorageError } from '../errors.js';
import type { AppendCommitter, PartedCommit, CommittedAppend } from '../sql/append-committer.js';
import type { PreparedGroup, PreparedRequest } from '../sql/append-plan.js';
import {
  decodeOutcomes,
  encodeGroups,
  type FromWriterThread,
  type ToWriterThread,
  type WriterThreadData,
} from './sqlite-writer-thread-protocol.js';

// Commits of fewer events than this run on the caller's thread (see commit()).
const SMALL_COMMIT_EVENTS = 16;

function eventCount(groups: readonly PreparedGroup[]): number {
  let n = 0;
  for (const g of groups) for (const r of g) n += r.events.length;
  return n;
}

/** Starts the worker of a writer thread. */
export type StartWriterWorker = (data: WriterThreadData) => Worker;

export interface SqliteWriterThreadOptions {
  /** The log file as the log names it, for messages. */
  readonly location: string;
  /** The file's real path, which the thread opens. */
  readonly file: string;
  /** Commits while the thread is starting: synchronously, on the log's own connection. */
  readonly whileStarting: AppendCommitter;
  /** Default: a worker on sqlite-writer-thread-entry.mjs. Tests pass one that starts a faulty thread. */
  readonly startWorker?: StartWriterWorker;
  /** Commits of fewer events run on the caller's thread (default SMALL_COMMIT_EVENTS; 0: none). */
  readonly smallCommitEvents?: number;
}

const ENTRY = new URL('./sqlite-writer-thread-entry.mjs', import.meta.url);

const startEntry: StartWriterWorker = (data) => new Worker(ENTRY, { workerData: data });

/**
 * A SQLite log's writer thread, as the log sees it: each commit (lock the head, plan with the
 * hash chain, insert, COMMIT and its fsync) runs there, on the thread's own connection, while
 * the log's thread goes on validating and serializing the next appends and running the
 * service. The log sends one commit at a time and keeps the process-wide write lock of the
 * file while it waits, so no other connection of the process writes the file meanwhile.
 *
 * The thread starts with the first commit, so a log that is only read (the relay's, the CLI's)
 * never starts one. Starting takes a few hundred milliseconds (a V8 isolate, the TypeScript
 * loader); commits made meanwhile run synchronously on the log's own connection, as before
 * there was a thread, so no append waits for it. When the thread crashes or exits, the commit
 * in flight and every later one fail with a StorageError naming the file: nothing waits for an
 * answer that cannot come.
 */
export class SqliteWriterThread implements AppendCommitter {
  private worker: Worker | undefined;
  private ready = false;
  private readonly readyFlag = new Int32Array(new SharedArrayBuffer(4));
  /** The commit sent and not answered yet; an aborted one is answered with undefined. */
  private inFlight:
    | {
        readonly id: number;
        readonly groups: readonly PreparedGroup[];
        readonly resolve: (c: CommittedAppend | undefined) => void;
        readonly reject: (e: StorageError) => void;
      }
    | undefined;
  private nextId = 1;
  /** Set once the thread is gone or going (crash, exit, close): why commits fail from then on. */
  private ended: StorageError | undefined;
  private exited: Promise<void> | undefined;
  private readonly readyWaiters: Array<{ readonly resolve: () => void; readonly reject: (e: StorageError) => void }> = [];

  constructor(private readonly options: SqliteWriterThreadOptions) {}

  async commit(groups: readonly PreparedGroup[], now: string): Promise<CommittedAppend> {
    if (this.ended) throw this.ended;
    const worker = this.worker;
    if (!worker || !this.isReady()) {
      this.start();
      if (this.ended) throw this.ended;
      return this.options.whileStarting.commit(groups, now);
    }
    // A small commit is quicker here than through two thread hand-offs: a trickle of single
    // events (a steady service) keeps its latency, a burst (large commits) leaves this thread.
    // Both connections commit under the file's write lock, so they never contend.
    if (eventCount(groups) < (this.options.smallCommitEvents ?? SMALL_COMMIT_EVENTS) && !this.inFlight) return this.options.whileStarting.commit(groups, now);
    if (this.inFlight) throw new Error(`${this.options.location}: a second commit was sent while one is in flight`);
    const id = this.nextId++;
    const message: ToWriterThread = { kind: 'commit', id, now, groups: encodeGroups(groups) };
    const outcome = this.send(worker, id, groups, message);
    return (await outcome)!;
  }

  /**
   * While the caller's thread serializes a large append, the parts it has done are planned and
   * inserted here already (see PartedSqliteCommit). Only once the thread runs and is idle.
   */
  openPartedCommit(now: string): PartedCommit | undefined {
    const worker = this.worker;
    if (this.ended || !worker || !this.isReady() || this.inFlight) return undefined;
    const id = this.nextId++;
    // The requests sent, in order: the group the outcome's positions belong to.
    const sent: PreparedRequest[] = [];
    const outcome = this.send(worker, id, [sent], { kind: 'open', id, now });
    // Awaited by end() or abort(); a crash before either is no unhandled rejection.
    outcome.catch(() => undefined);
    const post = (m: ToWriterThread): void => {
      if (!this.ended) worker.postMessage(m);
    };
    return {
      send: (requests) => {
        for (const r of requests) sent.push(r);
        post({ kind: 'part', id, groups: encodeGroups([requests]) });
      },
      end: async () => {
        post({ kind: 'end', id });
        const c = await outcome;
        if (!c) throw new Error(`${this.options.location}: commit ${id} ended after it was aborted`);
        return c;
      },
      abort: async () => {
        post({ kind: 'abort', id });
        await outcome.catch(() => undefined);
      },
    };
  }

  /** Posts the first message of commit `id` and returns its outcome. */
  private send(worker: Worker, id: number, groups: readonly PreparedGroup[], message: ToWriterThread): Promise<CommittedAppend | undefined> {
    return new Promise<CommittedAppend | undefined>((resolve, reject) => {
      this.inFlight = { id, groups, resolve, reject };
      // A commit in flight keeps the process alive; an idle thread does not.
      worker.ref();
      worker.postMessage(message);
    });
  }

  /** Starts the thread now and resolves once it takes the commits (a test runs every commit there). */
  async whenReady(): Promise<void> {
    this.start();
    if (this.ended) throw this.ended;
    if (this.isReady()) return;
    await new Promise<void>((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  async close(): Promise<void> {
    const worker = this.worker;
    const alive = !this.ended;
    this.ended ??= this.gone('the log is closed');
    if (!worker) return;
    if (alive && this.isReady()) {
      // The thread closes its connection (a clean WAL) and ends; terminate() only makes sure.
      // Referenced meanwhile, or a process with nothing else to do would not wait for it.
      worker.ref();
      worker.postMessage({ kind: 'close' } satisfies ToWriterThread);
      await this.exited;
    }
    // A thread still starting has no connection worth a goodbye: it is ended where it is.
    await worker.terminate();
  }

  /** Whether the thread takes commits: it said so, by message or (sooner) by the shared flag. */
  private isReady(): boolean {
    if (!this.ready && Atomics.load(this.readyFlag, 0) === 1) this.ready = true;
    return this.ready;
  }

  private start(): void {
    if (this.worker || this.ended) return;
    let worker: Worker;
    try {
      worker = (this.options.startWorker ?? startEntry)({ file: this.options.file, ready: this.readyFlag.buffer as SharedArrayBuffer });
    } catch (e) {
      this.end(`cannot start the writer thread: ${(e as Error).message}`, e);
      return;
    }
    this.worker = worker;
    // Starting it must not keep a process alive that has nothing else to do.
    worker.unref();
    this.exited = new Promise<void>((done) => worker.once('exit', () => done()));
    worker.on('message', (m: FromWriterThread) => this.onMessage(m));
    worker.on('error', (e) => this.end(`writer thread crashed: ${e.message}`, e));
    worker.on('exit', (code) => this.end(`writer thread exited (code ${code})`));
  }

  private onMessage(m: FromWriterThread): void {
    switch (m.kind) {
      case 'ready':
        this.ready = true;
        for (const w of this.readyWaiters.splice(0)) w.resolve();
        break;
      case 'failed':
        this.end(`writer thread cannot open the database: ${m.message}`);
        break;
      case 'committed': {
        const c = this.takeInFlight(m.id);
        c?.resolve({ time: m.time, outcomes: decodeOutcomes(m.outcomes, c.groups), duplicates: m.duplicates });
        break;
      }
      case 'commit-failed':
        this.takeInFlight(m.id)?.reject(new StorageError(this.options.location, `append failed on the writer thread: ${m.message}`));
        break;
      case 'aborted':
        this.takeInFlight(m.id)?.resolve(undefined);
        break;
      case 'closed':
        break;
    }
  }

  private takeInFlight(id: number): SqliteWriterThread['inFlight'] {
    const c = this.inFlight;
    if (c?.id !== id) return undefined;
    this.inFlight = undefined;
    this.worker?.unref();
    return c;
  }

  /** The thread is gone: the commit in flight and every later commit fail. */
  private end(reason: string, cause?: unknown): void {
    if (this.ended) return;
    this.ended = this.gone(`${reason}; appends to this log fail until it is reopened`, cause);
    const c = this.inFlight;
    this.inFlight = undefined;
    c?.reject(this.gone(`${reason} with an append in flight, which may or may not have committed`, cause));
    for (const w of this.readyWaiters.splice(0)) w.reject(this.ended);
  }

  private gone(message: string, cause?: unknown): StorageError {
    return new StorageError(this.options.location, message, cause === undefined ? undefined : { cause });
  }
}
