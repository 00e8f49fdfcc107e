import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  eventSubject,
  EventValidationError,
  jetStreamName,
  newEventId,
  UnknownEventTypeError,
  type EventEnvelope,
} from '@netledger/contracts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  ensureServiceStream,
  EventConsumer,
  FileCursorStore,
  MalformedMessageError,
  MemoryCursorStore,
  OutboxRelay,
  type CursorStore,
  type NatsConnection,
} from '@netledger/bus';
import { appendThings, eventually, nextReconnect, openWorld, range, RecordingHandler } from './support/fixtures.js';
import { TEST_SERVICE, testRegistry } from './support/test-events.js';

const STREAM = jetStreamName(TEST_SERVICE);
const WAIT_MS = 30_000;

function envelope(seq: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: newEventId(),
    service: TEST_SERVICE,
    stream: 'thing/crafted',
    version: seq,
    seq,
    type: 'ThingNoted',
    schemaVersion: 1,
    time: new Date().toISOString(),
    cause: { kind: 'command', command: 'craft', actor: 'test' },
    data: { n: seq },
    ...overrides,
  };
}

/** Publishes raw payloads straight to the stream, bypassing the relay (and its seq checks). */
async function publishRaw(nc: NatsConnection, payloads: ReadonlyArray<string | Record<string, unknown>>): Promise<void> {
  await ensureServiceStream(nc, TEST_SERVICE);
  const js = jetstream(nc);
  for (const p of payloads) {
    await js.publish(eventSubject(TEST_SERVICE, 'ThingNoted', 'thing/crafted'), typeof p === 'string' ? p : JSON.stringify(p));
  }
}

function consumerOf(nc: NatsConnection, options: { name?: string; cursors?: CursorStore; handler?: RecordingHandler; malformed?: Array<{ streamSeq: number; error: Error }> } = {}) {
  const handler = options.handler ?? new RecordingHandler();
  const consumer = new EventConsumer({
    nc,
    service: TEST_SERVICE,
    registry: testRegistry(),
    name: options.name ?? 'test-consumer',
    cursors: options.cursors ?? new MemoryCursorStore(),
    handler,
    ...(options.malformed ? { onMalformed: (info: { streamSeq: number; error: Error }) => options.malformed!.push(info) } : {}),
  });
  return { consumer, handler };
}

describe('EventConsumer', () => {
  it('skips malformed JSON, unknown types and schema violations, drops duplicates, and keeps applying', async () => {
    const world = await openWorld('consumer-malformed');
    const malformed: Array<{ streamSeq: number; error: Error }> = [];
    const { consumer, handler } = consumerOf(world.nc, { malformed });
    try {
      const second = envelope(2);
      await publishRaw(world.nc, [
        envelope(1),
        second,
        '{"not json',
        envelope(4, { type: 'ThingExploded' }),
        envelope(5, { data: { n: 'five' } }),
        envelope(6),
        second, // a copy of an event already applied
        envelope(7),
      ]);
      await consumer.start();
      assert.equal(await consumer.waitInSync(WAIT_MS), true);

      assert.deepEqual(handler.seqs(), [1, 2, 6, 7]);
      const s = consumer.status();
      assert.equal(s.cursor, 7);
      assert.equal(s.malformed, 3);
      assert.equal(s.duplicates, 1);
      assert.equal(s.gaps, 0);
      assert.equal(s.lag, 0);
      assert.equal(s.lagSeconds, 0);
      assert.deepEqual(
        malformed.map((m) => m.streamSeq),
        [3, 4, 5],
      );
      assert.ok(malformed[0]!.error instanceof MalformedMessageError);
      assert.ok(malformed[1]!.error instanceof UnknownEventTypeError);
      assert.ok(malformed[2]!.error instanceof EventValidationError);

      // Later events still flow.
      await publishRaw(world.nc, [envelope(8)]);
      assert.equal(await consumer.waitForSeq(8, WAIT_MS), true);
      assert.deepEqual(handler.seqs(), [1, 2, 6, 7, 8]);
    } finally {
      await world.close(consumer);
    }
  });

  it('detects a jump in event seqs, redelivers once, then continues past a hole the stream cannot fill', async () => {
    const world = await openWorld('consumer-jump');
    const { consumer, handler } = consumerOf(world.nc);
    try {
      await publishRaw(world.nc, [envelope(1), envelope(2), envelope(3), envelope(6), envelope(7)]);
      await consumer.start();
      assert.equal(await consumer.waitForSeq(7, WAIT_MS), true);
      assert.deepEqual(handler.seqs(), [1, 2, 3, 6, 7]);
      const s = consumer.status();
      assert.equal(s.gaps, 1);
      assert.equal(s.rebootstraps, 1);
      assert.equal(handler.resets, 0);
      assert.match(s.lastError ?? '', /events 4\.\.5 are missing/);
    } finally {
      await world.close(consumer);
    }
  });

  it('resets and replays from the first message when the stream was purged past its cursor', async () => {
    const world = await openWorld('consumer-purged');
    const relay = new OutboxRelay({ log: world.log, nc: world.nc });
    const { consumer, handler } = consumerOf(world.nc);
    try {
      relay.start();
      await appendThings(world.log, 10);
      assert.equal(await relay.drain(WAIT_MS), true);
      const jsm = await jetstreamManager(world.nc);
      await jsm.streams.purge(STREAM, { seq: 6 }); // keeps 6..10

      await consumer.start();
      assert.equal(await consumer.waitInSync(WAIT_MS), true);
      assert.deepEqual(handler.seqs(), [6, 7, 8, 9, 10]);
      assert.equal(handler.resets, 1);
      const s = consumer.status();
      assert.equal(s.cursor, 10);
      assert.equal(s.gaps, 1);
      assert.equal(s.rebootstraps, 1);

      // And it keeps going with new events.
      await appendThings(world.log, 5, { from: 11 });
      relay.notify();
      assert.equal(await consumer.waitForSeq(15, WAIT_MS), true);
      assert.deepEqual(handler.seqs(), range(6, 15));
    } finally {
      await world.close(relay, consumer);
    }
  });

  it('resumes from its persisted cursor after stop and start, without applying anything twice', async () => {
    const world = await openWorld('consumer-resume');
    const relay = new OutboxRelay({ log: world.log, nc: world.nc });
    const cursors = new FileCursorStore(join(world.dir, 'cursors'));
    const first = consumerOf(world.nc, { name: 'node-a/policy', cursors });
    const second = consumerOf(world.nc, { name: 'node-a/policy', cursors });
    try {
      relay.start();
      await appendThings(world.log, 30);
      relay.notify();
      await first.consumer.start();
      assert.equal(await first.consumer.waitForSeq(30, WAIT_MS), true);
      await first.consumer.stop();
      assert.equal(await cursors.load('node-a/policy'), 30);

      await appendThings(world.log, 12, { from: 31 });
      relay.notify();
      assert.equal(await relay.drain(WAIT_MS), true);
      await second.consumer.start();
      assert.equal(second.consumer.status().cursor, 30);
      assert.equal(await second.consumer.waitForSeq(42, WAIT_MS), true);
      assert.equal(await second.consumer.waitInSync(WAIT_MS), true);
      assert.deepEqual(second.handler.seqs(), range(31, 42));
      assert.equal(second.consumer.status().duplicates, 0);
      assert.equal(second.consumer.status().applied, 12);
      await second.consumer.stop();
      assert.equal(await cursors.load('node-a/policy'), 42);
    } finally {
      await world.close(relay, first.consumer, second.consumer);
    }
  });

  it('reports lag while behind, and waits for a stream that does not exist yet', async () => {
    const world = await openWorld('consumer-lag');
    const relay = new OutboxRelay({ log: world.log, nc: world.nc });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let blocked = false;
    // Holds event 5 until released, so the consumer is visibly behind.
    class GatedHandler extends RecordingHandler {
      override async apply(event: EventEnvelope): Promise<void> {
        if (event.seq === 5) {
          blocked = true;
          await gate;
        }
        super.apply(event);
      }
    }
    const { consumer, handler } = consumerOf(world.nc, { handler: new GatedHandler() });
    try {
      await consumer.start();
      // Nothing was ever published: nothing to catch up with.
      assert.equal(await consumer.waitInSync(WAIT_MS), true);
      assert.equal(consumer.status().lag, 0);

      relay.start();
      await appendThings(world.log, 25);
      relay.notify();
      assert.equal(await eventually(() => blocked && consumer.status().streamLastSeq === 25), true);
      const behind = consumer.status();
      assert.equal(behind.cursor, 4);
      assert.equal(behind.lag, 21);
      assert.ok(behind.lagSeconds >= 0);
      release();
      assert.equal(await consumer.waitForSeq(25, WAIT_MS), true);
      assert.deepEqual(handler.seqs(), range(1, 25));
      assert.equal(consumer.status().lag, 0);
      assert.equal(consumer.status().lagSeconds, 0);
    } finally {
      release();
      await world.close(relay, consumer);
    }
  });

  it('retries an event whose apply failed instead of skipping it', async () => {
    const world = await openWorld('consumer-apply-fails');
    let failures = 0;
    class FlakyHandler extends RecordingHandler {
      override apply(event: EventEnvelope): void {
        if (event.seq === 3 && failures < 2) {
          failures += 1;
          throw new Error(`apply of seq 3 failed (${failures})`);
        }
        super.apply(event);
      }
    }
    const { consumer, handler } = consumerOf(world.nc, { handler: new FlakyHandler() });
    try {
      await publishRaw(world.nc, [1, 2, 3, 4, 5].map((seq) => envelope(seq)));
      await consumer.start();
      assert.equal(await consumer.waitForSeq(5, WAIT_MS), true);
      assert.deepEqual(handler.seqs(), [1, 2, 3, 4, 5]);
      assert.equal(failures, 2);
      assert.equal(consumer.status().duplicates, 0);
    } finally {
      await world.close(consumer);
    }
  });

  it('keeps consuming across a nats-server restart', async () => {
    const world = await openWorld('consumer-restart');
    const relay = new OutboxRelay({ log: world.log, nc: world.nc });
    const { consumer, handler } = consumerOf(world.nc);
    try {
      relay.start();
      await appendThings(world.log, 20);
      relay.notify();
      await consumer.start();
      assert.equal(await consumer.waitForSeq(20, WAIT_MS), true);

      const reconnected = nextReconnect(world.nc);
      await world.server.restart();
      await reconnected;
      await appendThings(world.log, 20, { from: 21 });
      relay.notify();
      assert.equal(await consumer.waitForSeq(40, WAIT_MS), true);
      assert.deepEqual(handler.seqs(), range(1, 40));
      assert.equal(consumer.status().duplicates, 0);
    } finally {
      await world.close(relay, consumer);
    }
  });

  it('keeps consuming when nats-server comes back with a wiped store and the relay republishes', async () => {
    const world = await openWorld('consumer-wiped');
    const relay = new OutboxRelay({ log: world.log, nc: world.nc });
    const { consumer, handler } = consumerOf(world.nc);
    try {
      relay.start();
      await appendThings(world.log, 20);
      relay.notify();
      await consumer.start();
      assert.equal(await consumer.waitForSeq(20, WAIT_MS), true);

      await world.server.stop();
      await rm(join(world.dir, 'nats-store'), { recursive: true, force: true });
      const reconnected = nextReconnect(world.nc);
      await world.server.restart();
      await reconnected;
      await appendThings(world.log, 20, { from: 21 });
      relay.notify();
      assert.equal(await consumer.waitForSeq(40, WAIT_MS), true);
      assert.deepEqual(handler.seqs(), range(1, 40));
    } finally {
      await world.close(relay, consumer);
    }
  });
});
