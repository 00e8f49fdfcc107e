import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackendRecord } from '../src/desired/cluster-view.js';
import { Lb4BackendTable } from '../src/desired/lb4-backend-table.js';
import { Lb4ServiceTable, type FrontendSlots } from '../src/desired/lb4-service-table.js';

const FRONTEND = '10.96.0.10:80/6';
const frontend = (backendIds: number[], extra: Partial<FrontendSlots> = {}): FrontendSlots => ({ owner: 1, affinityTimeout: 0, revNat: 11, flags: 1, backendIds, ...extra });
const backend = (backendId: number, extra: Partial<BackendRecord> = {}): BackendRecord => ({ backendId, portName: 'http', ip: `10.0.0.${backendId}`, port: 8080, protocol: 'TCP', node: 'n1', state: 'active', ...extra });

describe('Lb4ServiceTable', () => {
  it('holds a frontend as its master and one slot per backend', () => {
    const t = new Lb4ServiceTable();
    t.setFrontend(FRONTEND, frontend([5, 7]));
    assert.equal(t.size, 3);
    assert.deepEqual([...t.keyedValues()], [
      ['10.96.0.10:80/6#0', { backendId: 0, count: 2, revNatIndex: 11, flags: 1 }],
      ['10.96.0.10:80/6#1', { backendId: 5, count: 0, revNatIndex: 11, flags: 0 }],
      ['10.96.0.10:80/6#2', { backendId: 7, count: 0, revNatIndex: 11, flags: 0 }],
    ]);
    assert.deepEqual(t.get({ address: '10.96.0.10', port: 80, protocol: 6, slot: 2 }), { backendId: 7, count: 0, revNatIndex: 11, flags: 0 });
    assert.equal(t.getByKeyString('10.96.0.10:80/6#3'), undefined);
    assert.equal(t.getByKeyString('10.96.0.10:80/6'), undefined);
  });

  it('reports only the slots a replacement changed, and every slot of a removed frontend', () => {
    const t = new Lb4ServiceTable();
    t.setFrontend(FRONTEND, frontend([5, 7, 9]));
    t.takeChanges();
    t.setFrontend(FRONTEND, frontend([5, 9]));
    const shrink = t.takeChanges();
    assert.deepEqual(shrink.upserts.map((c) => [c.keyString, c.value.backendId, c.value.count]), [['10.96.0.10:80/6#0', 0, 2], ['10.96.0.10:80/6#2', 9, 0]]);
    assert.deepEqual(shrink.deletes.map((c) => [c.keyString, c.previous?.backendId]), [['10.96.0.10:80/6#3', 9]]);
    t.setFrontend(FRONTEND, frontend([5, 9], { owner: 2 }));
    assert.equal(t.touched, false, 'a new owner changes no entry');
    assert.equal(t.frontend(FRONTEND)?.owner, 2);
    t.setFrontend(FRONTEND, undefined);
    assert.deepEqual(t.takeChanges().deletes.map((c) => c.keyString).sort(), ['10.96.0.10:80/6#0', '10.96.0.10:80/6#1', '10.96.0.10:80/6#2']);
    assert.equal(t.size, 0);
  });
});

describe('Lb4BackendTable', () => {
  it('keeps a backend until the last slot naming it lets go', () => {
    const t = new Lb4BackendTable();
    t.acquire(backend(3));
    t.acquire(backend(3));
    t.acquire(backend(3));
    t.release(3);
    t.release(3);
    assert.deepEqual(t.get({ backendId: 3 }), { address: '10.0.0.3', port: 8080, protocol: 6, state: 'active' });
    t.release(3);
    assert.equal(t.get({ backendId: 3 }), undefined);
    assert.equal(t.size, 0);
    t.release(3); // what nothing names is already gone
    assert.deepEqual(t.takeChanges(), { upserts: [], deletes: [] });
  });

  it('takes the newest record: a changed value is a change, the same value in a new record is not', () => {
    const t = new Lb4BackendTable();
    t.acquire(backend(3));
    t.takeChanges();
    t.acquire(backend(3));
    t.release(3);
    assert.equal(t.touched, false);
    t.acquire(backend(3, { state: 'terminating' }));
    t.release(3);
    assert.deepEqual(t.takeChanges().upserts.map((c) => [c.keyString, c.value.state, c.previous?.state]), [['3', 'terminating', 'active']]);
  });
});
