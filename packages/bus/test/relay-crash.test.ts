import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { jetStreamName } from '@netledger/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { EventConsumer, MemoryCursorStore } from '@netledger/bus';
import { openWorld, range, RecordingHandler, streamContents } from './support/fixtures.js';
import { TEST_SERVICE, testRegistry } from './support/test-events.js';

const CHILD = fileURLToPath(new URL('./fixtures/relay-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TOTAL = 3000;
// Large batches keep many publishes in flight, so a kill often lands after JetStream stored
// some of them but before the relay acknowledged them in the outbox. Two kills only: each
// child start costs seconds while tsx compiles the import graph.
const BATCH = 1000;
const KILL_AFTER_PUBLISHED = [400, 1600];

interface Progress {
  appended: number;
  published: number;
  drained?: boolean;
  lastError?: string;
}

function runChild(logFile: string, natsUrl: string): { child: ChildProcess; lines: AsyncIterable<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, logFile, natsUrl, String(TOTAL), String(BATCH)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { child, lines: createInterface({ input: child.stdout! }) };
}

describe('OutboxRelay killed with SIGKILL', () => {
  it('loses and doubles nothing: after restarts a consumer sees every event once, in order', async (t) => {
    const world = await openWorld('relay-crash');
    const logFile = join(world.dir, 'events.db'); // the world's own log handle reads the same file
    const handler = new RecordingHandler();
    const consumer = new EventConsumer({
      nc: world.nc,
      service: TEST_SERVICE,
      registry: testRegistry(),
      name: 'crash-checker',
      cursors: new MemoryCursorStore(),
      handler,
    });
    const jsm = await jetstreamManager(world.nc);
    let kills = 0;
    let killedBetweenPublishAndAck = 0;
    const started = Date.now();
    const mark = (what: string): void => t.diagnostic(`${what} at ${Date.now() - started} ms`);
    try {
      for (const threshold of KILL_AFTER_PUBLISHED) {
        const { child, lines } = runChild(logFile, world.server.url);
        const exited = once(child, 'exit');
        for await (const line of lines) {
          const p = JSON.parse(line) as Progress;
          if (p.published >= threshold && !p.drained) {
            child.kill('SIGKILL');
            kills += 1;
            break;
          }
        }
        await exited;
        // Did the kill land after JetStream stored events but before the outbox ack?
        const [pending] = await world.log.outboxPeek(1);
        const logPublished = pending ? pending.seq - 1 : (await world.log.head()).lastSeq;
        const streamLast = (await jsm.streams.info(jetStreamName(TEST_SERVICE))).state.last_seq;
        if (streamLast > logPublished) killedBetweenPublishAndAck += 1;
        mark(`kill ${kills}`);
      }

      const { child, lines } = runChild(logFile, world.server.url);
      const exited = once(child, 'exit');
      let last: Progress | undefined;
      for await (const line of lines) last = JSON.parse(line) as Progress;
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0);
      assert.equal(last?.drained, true, `final run did not drain: ${JSON.stringify(last)}`);
      t.diagnostic(`kills: ${kills}, of which between publish and outbox ack: ${killedBetweenPublishAndAck}`);

      mark('final run');
      const events = await world.log.readAll(1);
      assert.equal(events.length, TOTAL);
      await consumer.start();
      assert.equal(await consumer.waitForSeq(TOTAL, 30_000), true);
      assert.deepEqual(handler.seqs(), range(1, TOTAL));
      assert.deepEqual(
        handler.events.map((e) => e.id),
        events.map((e) => e.id),
      );
      assert.equal(consumer.status().duplicates, 0, 'the stream holds no copies');
      assert.equal(consumer.status().gaps, 0);
      mark('consumed');
      const stored = await streamContents(world.nc);
      assert.equal(stored.length, TOTAL);
      assert.ok(stored.every((m, i) => m.seq === i + 1 && m.eventSeq === m.seq && m.msgId === events[i]!.id));
    } finally {
      await world.close(consumer);
    }
  });
});
