import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UpcastError, type EventEnvelope } from '@netledger/contracts';
import type { SuiteContext } from '../event-log-suite.js';
import { recomputeChain, type StoredEvent } from '../recompute-chain.js';
import { createdV2, created, renamed, widgetRegistryV1, widgetRegistryV2 } from '../widget-events.js';

/** Events stay on disk as written and are upcast when read by a newer registry. */
export function upcastCases(ctx: SuiteContext): void {
  describe('upcasting', () => {
    it('reads v1 events as v2 after reopening with a newer registry; the outbox keeps the stored v1 JSON', async () => {
      const database = await ctx.newDatabase();
      const v1 = await ctx.open(database, { registry: widgetRegistryV1() });
      await v1.append('widget/u', 'no-stream', [created('old', 3), renamed('older')]);
      const stored = await v1.readAll(1);
      await v1.close();

      const v2 = await ctx.open(database, { registry: widgetRegistryV2() });
      const expected: EventEnvelope = { ...stored[0]!, schemaVersion: 2, data: { displayName: 'old', size: 3, owner: 'unknown' } };
      assert.deepEqual((await v2.readStreamForward('widget/u'))[0], expected);
      assert.deepEqual((await v2.readStreamBackward('widget/u'))[1], expected);
      assert.deepEqual((await v2.readAll(1))[0], expected);
      assert.deepEqual((await v2.readUntil(new Date('2999-01-01T00:00:00.000Z')))[0], expected);
      const iterated: EventEnvelope[] = [];
      for await (const e of v2.iterate(1, { pageSize: 1 })) iterated.push(e);
      assert.deepEqual(iterated[0], expected);
      assert.deepEqual(iterated[1], stored[1], 'a type without a newer schema reads unchanged');

      const [entry] = await v2.outboxPeek(1);
      assert.ok(entry);
      assert.equal(entry.payload, JSON.stringify(stored[0]));
      assert.match(entry.payload, /"schemaVersion":1,.*"data":\{"name":"old","size":3\}\}$/);

      // New writes go in at v2, and the hash chain still covers what is stored, not what reads return.
      const r = await v2.append('widget/u', 2, [createdV2('new', 'team-a')]);
      const [fresh] = await v2.readAll(r.firstSeq);
      assert.equal(fresh?.schemaVersion, 2);
      assert.deepEqual(fresh?.data, { displayName: 'new', size: 1, owner: 'team-a' });
      const published = (await v2.outboxPeek(10)).map((e) => JSON.parse(e.payload) as StoredEvent);
      assert.deepEqual(published.map((e) => e.schemaVersion), [1, 1, 2]);
      assert.equal(recomputeChain(published), (await v2.head()).lastHash);
    });

    it('refuses to read an event written by a newer schema than the registry knows', async () => {
      const database = await ctx.newDatabase();
      const v2 = await ctx.open(database, { registry: widgetRegistryV2() });
      await v2.append('widget/n', 'no-stream', [createdV2('n', 'team-b')]);
      await v2.close();

      const v1 = await ctx.open(database, { registry: widgetRegistryV1() });
      await assert.rejects(v1.readAll(1), (e: unknown) => {
        assert.ok(e instanceof UpcastError, `expected UpcastError, got ${String(e)}`);
        assert.equal(e.eventType, 'WidgetCreated');
        assert.equal(e.fromVersion, 2);
        assert.equal(e.toVersion, 1);
        return true;
      });
    });
  });
}
