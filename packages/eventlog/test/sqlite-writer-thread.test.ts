import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { StorageError, type AppendRequest, type EventLog } from '@netledger/eventlog';
import { createTempDir, type TempDir } from '@netledger/testkit';
import { openSqliteEventLogWith } from '../src/sqlite/open-sqlite-event-log.js';
import type { ToWriterThread, WriterThreadData } from '../src/sqlite/sqlite-writer-thread-protocol.js';
import { created, renamed, widgetRegistryV1 } from './widget-events.js';

const ENTRY = new URL('../src/sqlite/sqlite-writer-thread-entry.mjs', import.meta.url);
const FAULTY = new URL('./faulty-writer-thread.mjs', import.meta.url);

/** An append large enough to be sent to the thread in parts while it is prepared. */
function large(prefix: string, count = 1500): AppendRequest[] {
  return Array.from({ length: count }, (_, i) => ({ stream: `widget/${prefix}${i}`, expectedVersion: 'no-stream' as const, events: [created(`${prefix}${i}`)] }));
}

const realThread = (data: WriterThreadData): Worker => new Worker(ENTRY, { workerData: data });
const faultyThread =
  (fault: 'exit' | 'throw') =>
  (data: WriterThreadData): Worker =>
    new Worker(FAULTY, { workerData: { ...data, fault } });

describe('SQLite writer thread', () => {
  let dir: TempDir | undefined;
  let files = 0;

  before(async () => {
    dir = await createTempDir('netledger-writer-thread');
  });

  after(async () => {
    await dir?.remove();
  });

  function newFile(): string {
    if (!dir) throw new Error('temp dir not created: the before hook failed');
    return join(dir.path, `log-${++files}.sqlite`);
  }

  /**
   * A log whose writer thread `start` started, ready before the log is returned, that thread's
   * worker, and the kinds of the messages the log sent it.
   */
  async function open(
    file: string,
    start: (data: WriterThreadData) => Worker = realThread,
    options: { readonly atFirstAppend?: boolean } = {},
  ): Promise<{ log: EventLog; worker: () => Worker; sent: string[]; data: () => WriterThreadData }> {
    const workers: Worker[] = [];
    const started: WriterThreadData[] = [];
    const sent: string[] = [];
    const log = await openSqliteEventLogWith(
      { service: 'policy', registry: widgetRegistryV1(), file },
      {
        writerThreadAtOpen: !options.atFirstAppend,
        allCommitsOnThread: true,
        startWriterWorker: (data) => {
          started.push(data);
          const w = start(data);
          const post = w.postMessage.bind(w);
          w.postMessage = (m: ToWriterThread) => {
            sent.push(m.kind);
            post(m);
          };
          workers.push(w);
          return w;
        },
      },
    );
    return {
      log,
      sent,
      data: () => started[0]!,
      worker: () => {
        assert.equal(workers.length, 1, 'one writer thread per log');
        return workers[0]!;
      },
    };
  }

  function isGone(file: string, reason: RegExp): (e: unknown) => boolean {
    return (e) => {
      assert.ok(e instanceof StorageError, `expected StorageError, got ${String(e)}`);
      assert.equal(e.code, 'STORAGE');
      assert.equal(e.location, file);
      assert.ok(e.message.startsWith(`${file}: `), `the message names the file: ${e.message}`);
      assert.match(e.message, reason);
      return true;
    };
  }

  it('terminated between commits: later appends fail with StorageError naming the file; reads and close() still work', async () => {
    const file = newFile();
    const { log, worker } = await open(file);
    await log.append('widget/a', 'no-stream', [created('a')]);

    await worker().terminate();
    for (const stream of ['widget/b', 'widget/c']) {
      await assert.rejects(
        log.append(stream, 'no-stream', [created('b')]),
        isGone(file, /writer thread exited \(code 1\); appends to this log fail until it is reopened$/),
      );
    }
    assert.equal((await log.head()).lastSeq, 1);
    assert.deepEqual((await log.readAll(1)).map((e) => e.stream), ['widget/a']);
    await log.close();

    // Reopened, the log goes on where it was.
    const reopened = await open(file);
    try {
      assert.equal((await reopened.log.append('widget/a', 1, [renamed('a2')])).lastSeq, 2);
    } finally {
      await reopened.log.close();
    }
  });

  it('exits during a commit: that append and the ones queued behind it fail with StorageError; close() still works', async () => {
    const file = newFile();
    const { log } = await open(file, faultyThread('exit'));
    const settled = await Promise.allSettled([
      log.append('widget/a', 'no-stream', [created('a')]),
      log.append('widget/b', 'no-stream', [created('b')]),
      log.append('widget/c', 'no-stream', [created('c')]),
    ]);
    const reasons = settled.map((s) => (s.status === 'rejected' ? (s.reason as unknown) : assert.fail(`append ${s.status}`)));
    isGone(file, /writer thread exited \(code 3\) with an append in flight, which may or may not have committed$/)(reasons[0]);
    for (const r of reasons.slice(1)) isGone(file, /writer thread exited \(code 3\); appends to this log fail until it is reopened$/)(r);
    await assert.rejects(log.append('widget/d', 'no-stream', [created('d')]), isGone(file, /fail until it is reopened$/));
    await log.close();
  });

  it('exits while a large append is sent to it in parts: that append fails with StorageError', async () => {
    const file = newFile();
    const { log } = await open(file, faultyThread('exit'));
    await assert.rejects(log.appendMany(large('p')), isGone(file, /writer thread exited \(code 3\) with an append in flight/));
    await assert.rejects(log.append('widget/d', 'no-stream', [created('d')]), isGone(file, /fail until it is reopened$/));
    await log.close();
  });

  it('throws: appends fail with StorageError carrying the thread error as its cause', async () => {
    const file = newFile();
    const { log } = await open(file, faultyThread('throw'));
    await assert.rejects(log.append('widget/a', 'no-stream', [created('a')]), (e: unknown) => {
      isGone(file, /writer thread crashed: writer thread fault injected by the test with an append in flight/)(e);
      assert.ok((e as StorageError).cause instanceof Error);
      return true;
    });
    await log.close();
  });

  it('a commit SQLite refuses fails its appends with StorageError, writes nothing, and the next commit goes through', async () => {
    const file = newFile();
    const { log } = await open(file);
    const other = new Database(file);
    other.exec(`CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.stream = 'widget/refused' BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END;`);
    other.close();
    try {
      await assert.rejects(
        log.appendMany([
          { stream: 'widget/ok', expectedVersion: 'no-stream', events: [created('ok')] },
          { stream: 'widget/refused', expectedVersion: 'no-stream', events: [created('refused')] },
        ]),
        isGone(file, /append failed on the writer thread: refused by trigger$/),
      );
      assert.equal((await log.head()).lastSeq, 0);
      const r = await log.append('widget/ok', 'no-stream', [created('ok')]);
      assert.deepEqual([r.firstSeq, r.version], [1, 1]);
    } finally {
      await log.close();
    }
  });

  it('a part of a large append SQLite refuses fails the whole append, writes nothing, and the next commit goes through', async () => {
    const file = newFile();
    const { log, sent } = await open(file);
    const other = new Database(file);
    other.exec(`CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.stream = 'widget/big1400' BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END;`);
    other.close();
    try {
      await assert.rejects(log.appendMany(large('big')), isGone(file, /append failed on the writer thread: refused by trigger$/));
      assert.deepEqual(sent, ['open', ...Array<string>(12).fill('part'), 'end'], 'sent in parts of 128 events');
      assert.equal((await log.head()).lastSeq, 0);
      assert.equal((await log.appendMany(large('ok'))).at(-1)!.lastSeq, 1500);
    } finally {
      await log.close();
    }
  });

  it('that cannot open the database fails the open with StorageError', async () => {
    const file = newFile();
    const missing = join(dir!.path, 'missing', 'log.sqlite');
    await assert.rejects(
      open(file, (data) => realThread({ ...data, file: missing })),
      isGone(file, /writer thread cannot open the database: .+; appends to this log fail until it is reopened$/),
    );
  });

  it('takes the commits once it runs, also from a caller that never lets a message in (appends resolving in microtasks)', async () => {
    const file = newFile();
    const { log, sent, data } = await open(file, realThread, { atFirstAppend: true });
    try {
      // The first append starts the thread and commits on the log's own connection meanwhile.
      await log.append('widget/a', 'no-stream', [created('a')]);
      assert.deepEqual(sent, []);
      // Block this thread until the writer thread says it runs: no 'ready' message gets in.
      const ready = new Int32Array(data().ready);
      assert.notEqual(Atomics.wait(ready, 0, 0, 60_000), 'timed-out', 'the writer thread started');
      const r = await log.append('widget/b', 'no-stream', [created('b')]);
      assert.deepEqual(sent, ['commit']);
      assert.equal(r.firstSeq, 2);
    } finally {
      await log.close();
    }
  });

  it('ends when the log closes, after closing its connection', async () => {
    const file = newFile();
    const { log, worker } = await open(file);
    await log.append('widget/a', 'no-stream', [created('a')]);
    const exitCode = new Promise<number>((resolve) => worker().once('exit', resolve));
    await log.close();
    assert.equal(await exitCode, 0, 'the thread ended by itself, not terminated');
    await assert.rejects(log.append('widget/b', 'no-stream', [created('b')]), isGone(file, /append after close$/));
  });
});
