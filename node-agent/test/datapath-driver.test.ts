import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryDatapathMaps } from '@netledger/datapath';
import { DatapathDriver } from '../src/datapath-driver.js';
import { ClusterEvents, podIdentityLabels } from './support/cluster-events.js';

const quiet = { info: () => {}, error: () => {} };

describe('DatapathDriver', () => {
  it('writes nothing before programming starts, then only what changed', () => {
    const maps = new MemoryDatapathMaps();
    const driver = new DatapathDriver('node-a', maps, quiet);
    const ev = new ClusterEvents();
    const identity = driver.handlerFor('identity');
    for (const e of ev.reservedIdentities()) identity.apply(e);
    identity.apply(ev.identity(300, 'cluster', podIdentityLabels('x', { app: 'a' })));
    identity.apply(ev.endpoint({ namespace: 'x', pod: 'a', node: 'node-b', ips: ['10.0.0.1'], identity: 300 }));
    assert.equal(driver.flush(), undefined, 'not programming yet');
    assert.equal(maps.ipcache.count(), 0);

    const first = driver.startProgramming();
    assert.ok(first.updates > 0);
    assert.equal(maps.ipcache.lookup({ ip: '10.0.0.1', prefixLength: 32 })?.identity, 300);

    identity.apply(ev.endpoint({ namespace: 'x', pod: 'b', node: 'node-b', ips: ['10.0.0.2'], identity: 300 }));
    assert.deepEqual(driver.flush()?.byMap['nl_ipcache'], { updates: 1, deletes: 0 });
    driver.stop();
  });

  it('holds every write while a stream re-bootstraps, and resumes when it caught up', () => {
    const maps = new MemoryDatapathMaps();
    const driver = new DatapathDriver('node-a', maps, quiet);
    const ev = new ClusterEvents();
    const identity = driver.handlerFor('identity');
    for (const e of ev.reservedIdentities()) identity.apply(e);
    identity.apply(ev.identity(300, 'cluster', podIdentityLabels('x', { app: 'a' })));
    identity.apply(ev.endpoint({ namespace: 'x', pod: 'a', node: 'node-b', ips: ['10.0.0.1'], identity: 300 }));
    driver.startProgramming();

    // A gap: the identity stream is reset and replayed. Half-way through, nothing is written
    // (the endpoint not replayed yet must not be deleted from the map).
    identity.reset();
    assert.deepEqual(driver.status().held, ['identity']);
    assert.equal(driver.flush(), undefined);
    assert.equal(maps.ipcache.lookup({ ip: '10.0.0.1', prefixLength: 32 })?.identity, 300, 'still in the map');

    const replay = new ClusterEvents();
    for (const e of replay.reservedIdentities()) identity.apply(e);
    identity.apply(replay.identity(300, 'cluster', podIdentityLabels('x', { app: 'a' })));
    identity.apply(replay.endpoint({ namespace: 'x', pod: 'a', node: 'node-b', ips: ['10.0.0.1'], identity: 300 }));
    driver.release('identity');
    assert.deepEqual(driver.status().held, []);
    const after = driver.flush();
    assert.equal(after?.deletes, 0, 'the replayed state equals what the map holds');
    driver.stop();
  });

  it('skips and counts an event the desired state cannot take, and goes on', () => {
    const driver = new DatapathDriver('node-a', new MemoryDatapathMaps(), quiet);
    const ev = new ClusterEvents();
    const identity = driver.handlerFor('identity');
    const bad = ev.endpoint({ namespace: 'x', pod: 'a', node: 'node-b', ips: ['10.0.0.1'], identity: 300 });
    identity.apply({ ...bad, data: null });
    assert.equal(driver.status().rejectedEvents, 1);
    assert.equal(driver.status().lastRejected?.type, 'EndpointUpserted');
    identity.apply(ev.endpoint({ namespace: 'x', pod: 'b', node: 'node-b', ips: ['10.0.0.2'], identity: 300 }));
    assert.equal(driver.desired.summary().endpoints, 1);
    driver.stop();
  });
});
