import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Deployment, Pod } from '@netledger/k8s';
import { planDeployment, resolveStrategy, RolloutStrategyError, type RolloutStrategy } from '@netledger/controllers';

const ROLLING: RolloutStrategy = { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 };

let seq = 0;
function pod(hash: string, opts: { ready?: boolean; phase?: string; node?: string | null; created?: string } = {}): Pod {
  seq += 1;
  return {
    metadata: { name: `p${seq}`, uid: `u${seq}`, resourceVersion: '1', creationTimestamp: opts.created ?? '2025-01-01T00:00:00Z', labels: { 'pod-template-hash': hash } },
    spec: { ...(opts.node === null ? {} : { nodeName: opts.node ?? 'n1' }) },
    status: { phase: opts.phase ?? 'Running', conditions: [{ type: 'Ready', status: opts.ready ? 'True' : 'False' }] },
  };
}

const names = (pods: readonly Pod[]) => pods.map((p) => p.metadata.name);

describe('planDeployment', () => {
  it('creates the missing pods and scales down the least useful ones first', () => {
    assert.equal(planDeployment({ replicas: 3, templateHash: 'h', strategy: ROLLING, pods: [pod('h')] }).create, 2);
    const readyOld = pod('h', { ready: true, created: '2025-01-01T00:00:00Z' });
    const readyNew = pod('h', { ready: true, created: '2025-01-01T00:00:05Z' });
    const notReady = pod('h', { ready: false, created: '2025-01-01T00:00:01Z' });
    const unscheduled = pod('h', { node: null, phase: 'Pending', created: '2025-01-01T00:00:00Z' });
    const plan = planDeployment({ replicas: 1, templateHash: 'h', strategy: ROLLING, pods: [readyOld, readyNew, notReady, unscheduled] });
    assert.deepEqual(names(plan.remove), names([unscheduled, notReady, readyNew]));
    assert.deepEqual(plan.counts, { replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, unavailableReplicas: 0 });
  });

  it('breaks creation-time ties with the creation sequence: the newest goes first', () => {
    const [a, b, c] = [pod('h'), pod('h'), pod('h')];
    const order = new Map([[a.metadata.uid, 0], [b.metadata.uid, 2], [c.metadata.uid, 1]]);
    const plan = planDeployment({ replicas: 1, templateHash: 'h', strategy: ROLLING, pods: [a, b, c], creationSequence: (p) => order.get(p.metadata.uid) });
    assert.deepEqual(names(plan.remove), names([b, c]));
  });

  it('replaces finished pods', () => {
    const failed = pod('h', { phase: 'Failed' });
    const plan = planDeployment({ replicas: 1, templateHash: 'h', strategy: ROLLING, pods: [failed] });
    assert.deepEqual(names(plan.remove), names([failed]));
    assert.equal(plan.create, 1);
  });

  it('rolls out one replica by surging one pod and removing the old one only once the new one is ready', () => {
    const old = pod('old', { ready: true });
    const step1 = planDeployment({ replicas: 1, templateHash: 'new', strategy: ROLLING, pods: [old] });
    assert.equal(step1.create, 1);
    assert.deepEqual(step1.remove, []);
    const fresh = pod('new', { ready: false });
    const step2 = planDeployment({ replicas: 1, templateHash: 'new', strategy: ROLLING, pods: [old, fresh] });
    assert.equal(step2.create, 0);
    assert.deepEqual(step2.remove, []);
    assert.equal(step2.available, true);
    const readyFresh = { ...fresh, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
    const step3 = planDeployment({ replicas: 1, templateHash: 'new', strategy: ROLLING, pods: [old, readyFresh] });
    assert.deepEqual(names(step3.remove), names([old]));
  });

  it('uses maxUnavailable to remove old pods before new ones are ready, and drops unready old pods freely', () => {
    const strategy: RolloutStrategy = { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 1 };
    const olds = [pod('old', { ready: true }), pod('old', { ready: true }), pod('old', { ready: true }), pod('old', { ready: false })];
    const plan = planDeployment({ replicas: 4, templateHash: 'new', strategy, pods: olds });
    assert.equal(plan.create, 1, '4 + 1 surge - 4 existing');
    // 3 ready, 3 must stay available: no ready one may go; the unready one goes.
    assert.deepEqual(names(plan.remove), names([olds[3]!]));
  });

  it('recreate removes every old pod and creates nothing until they are gone', () => {
    const olds = [pod('old', { ready: true }), pod('old', { ready: true })];
    const plan = planDeployment({ replicas: 2, templateHash: 'new', strategy: { type: 'Recreate' }, pods: olds });
    assert.equal(plan.create, 0);
    assert.equal(plan.remove.length, 2);
    assert.equal(planDeployment({ replicas: 2, templateHash: 'new', strategy: { type: 'Recreate' }, pods: [] }).create, 2);
  });

  it('scales to zero by removing everything', () => {
    const plan = planDeployment({ replicas: 0, templateHash: 'new', strategy: ROLLING, pods: [pod('old', { ready: true }), pod('new')] });
    assert.equal(plan.remove.length, 2);
    assert.equal(plan.counts.replicas, 0);
  });
});

describe('resolveStrategy', () => {
  const d = (strategy: unknown): Deployment => ({ metadata: { name: 'd', uid: 'u', resourceVersion: '1' }, spec: { strategy } }) as Deployment;

  it('defaults to 25% surge (rounded up) and 25% unavailable (rounded down)', () => {
    assert.deepEqual(resolveStrategy(d(undefined), 1), { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 });
    assert.deepEqual(resolveStrategy(d(undefined), 10), { type: 'RollingUpdate', maxSurge: 3, maxUnavailable: 2 });
  });

  it('lets one pod be unavailable when both limits are zero, and reads integers and Recreate', () => {
    assert.deepEqual(resolveStrategy(d({ rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }), 3), { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 1 });
    assert.deepEqual(resolveStrategy(d({ type: 'Recreate' }), 3), { type: 'Recreate' });
  });

  it('rejects a malformed limit, naming the field', () => {
    assert.throws(
      () => resolveStrategy(d({ rollingUpdate: { maxSurge: 'lots' } }), 3),
      (e: unknown) => e instanceof RolloutStrategyError && e.field === 'spec.strategy.rollingUpdate.maxSurge',
    );
  });
});
