import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rebuildProjection, type EventLog } from '@netledger/eventlog';
import { lbProjection, servicesQuery } from '@netledger/lb-service';
import { LbHarness } from './support/lb-harness.js';
import { ready, slice, svc } from './support/objects.js';

const all = new URLSearchParams();

function seed(h: LbHarness): void {
  for (let i = 1; i <= 3; i++) {
    void h.sources.serviceSource.upsert(svc('ns', `s${i}`, { clusterIP: `10.96.0.${i}`, ports: [{ name: 'http', port: 80 }] }));
    void h.sources.endpointSliceSource.upsert(slice('ns', `s${i}-a`, `s${i}`, [ready(`10.0.${i}.1`), ready(`10.0.${i}.2`)], [{ name: 'http', port: 8080 }]));
  }
}

describe('lb restart', () => {
  let h: LbHarness;
  before(async () => {
    h = await LbHarness.open({ snapshotEvery: 5 });
    seed(h);
  });
  after(() => h.close());

  it('decides the initial list, then a restart with the same cluster appends nothing and keeps every id', async () => {
    const firstDomain = await h.start();
    const first = await h.newEvents();
    assert.equal(first.length, 3 * 3);
    const ids = await firstDomain.queries().services!(all);
    await h.stopDomain();
    const domain = await h.start();
    assert.deepEqual(await h.newEvents(), []);
    assert.deepEqual(await domain.queries().services!(all), ids);
    assert.equal(domain.status()['eventsAppended'], 0);
  });

  it('after changes made while it was down, appends only their events', async () => {
    await h.stopDomain();
    await h.sources.serviceSource.delete(svc('ns', 's2', {}));
    await h.sources.endpointSliceSource.upsert(slice('ns', 's1-a', 's1', [ready('10.0.1.1')], [{ name: 'http', port: 8080 }]));
    await h.sources.serviceSource.upsert(svc('ns', 's4', { clusterIP: '10.96.0.4', ports: [{ name: 'http', port: 80 }] }));
    await h.start();
    const events = await h.newEvents();
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.stream} ${e.cause.kind}`).sort(),
      ['BackendRemoved service/ns/s1 command', 'ServiceDeleted service/ns/s2 command', 'ServiceUpserted service/ns/s4 kubernetes'].sort(),
    );
    const s4 = events.find((e) => e.type === 'ServiceUpserted')!.data as { serviceId: number };
    assert.equal(s4.serviceId, 4, 'the id s2 released is not reused at once');
  });

  it('restores the state from a snapshot exactly as a full replay builds it', async () => {
    await h.stopDomain();
    const snap = await h.log.loadSnapshot('lb-services');
    assert.ok(snap, 'stop leaves a snapshot');
    const fromSnapshot = await rebuildProjection(h.log, lbProjection, { snapshotEvery: 0 });
    const replayed = await rebuildProjection(h.log, lbProjection, { snapshotEvery: 0, ignoreSnapshot: true });
    assert.equal(fromSnapshot.fromSnapshot, true);
    assert.deepEqual(servicesQuery(fromSnapshot.state, all), servicesQuery(replayed.state, all));
    assert.deepEqual([...fromSnapshot.state.streamVersions], [...replayed.state.streamVersions]);
    assert.equal(fromSnapshot.state.backendIds.next, replayed.state.backendIds.next);
    await h.start();
    assert.deepEqual(await h.newEvents(), []);
  });
});

describe('lb writer', () => {
  it('decides a burst of changes to one service once', async () => {
    const h = await LbHarness.open();
    try {
      h.sources.serviceSource.upsert(svc('ns', 'web', { clusterIP: '10.96.0.1', ports: [{ port: 80 }] }));
      const base = [ready('10.0.0.1'), ready('10.0.0.2')];
      h.sources.endpointSliceSource.upsert(slice('ns', 'web-a', 'web', base, [{ port: 8080 }]));
      const domain = await h.start();
      await h.newEvents();
      const pending: Array<Promise<void>> = [];
      for (let i = 0; i < 50; i++) {
        const eps = i % 2 === 0 ? [...base, ready(`10.0.9.${i}`)] : base;
        pending.push(h.sources.endpointSliceSource.upsert(slice('ns', 'web-a', 'web', eps, [{ port: 8080 }])));
      }
      pending.push(h.sources.endpointSliceSource.upsert(slice('ns', 'web-a', 'web', [...base, ready('10.0.0.3')], [{ port: 8080 }])));
      await Promise.all(pending);
      const events = await h.newEvents();
      assert.deepEqual(events.map((e) => [e.type, (e.data as { ip?: string }).ip]), [['BackendAdded', '10.0.0.3']]);
      assert.equal(domain.status()['batches'], 2);
    } finally {
      await h.close();
    }
  });

  it('on a second writer, rebuilds from the log and decides every service again', async () => {
    const h = await LbHarness.open();
    try {
      seed(h);
      const domain = await h.start();
      await h.newEvents();
      // Someone else removes a backend behind the service's back.
      await h.log.append('service/ns/s1', 'any', [
        { type: 'BackendRemoved', data: { serviceId: 1, backendId: 1, portName: 'http' }, cause: { kind: 'command', command: 'test', actor: 'intruder' } },
      ]);
      await h.newEvents();
      await h.sources.serviceSource.upsert(svc('ns', 's1', { clusterIP: '10.96.0.1', sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80 }] }));
      const events = await h.newEvents();
      assert.ok(h.logger.errors.some((e) => e.includes('CONCURRENCY')), h.logger.errors.join('\n'));
      assert.deepEqual(events.map((e) => e.type).sort(), ['BackendAdded', 'ServiceUpserted']);
      const readded = events.find((e) => e.type === 'BackendAdded')!.data as { ip: string; backendId: number };
      assert.equal(readded.ip, '10.0.1.1');
      assert.notEqual(readded.backendId, 1, 'the log released id 1, and released ids are not reused at once');
      assert.equal(domain.status()['rebuilds'], 2);
    } finally {
      await h.close();
    }
  });

  it('keeps changes when the log fails to store them, and stores them once it recovers', async () => {
    const h = await LbHarness.open();
    try {
      let failures = 2;
      const flaky = new Proxy(h.log, {
        get(target, prop, receiver) {
          if (prop === 'appendMany') {
            return async (...args: Parameters<EventLog['appendMany']>) => {
              if (failures > 0) {
                failures--;
                throw new Error('disk I/O error (injected)');
              }
              return target.appendMany(...args);
            };
          }
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      const { LbDomain } = await import('@netledger/lb-service');
      const domain = new LbDomain({ retryMinMs: 5, retryMaxMs: 20 });
      h.domain = domain;
      seed(h);
      await domain.start({ ...h.context(), log: flaky });
      const deadline = Date.now() + 30_000;
      while ((await h.log.head()).lastSeq < 9 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await domain.settled();
      assert.equal((await h.log.head()).lastSeq, 9);
      assert.equal(domain.status().healthy, true);
      assert.equal(domain.status()['appendFailures'], 2);
      assert.ok(h.logger.errors.some((e) => e.includes('injected')));
    } finally {
      await h.close();
    }
  });
});
