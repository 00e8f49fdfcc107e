import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createNamespace,
  deployment,
  deploymentPath,
  eventually,
  listPods,
  podsPath,
  registerNode,
  setPodStatus,
  startStack,
  type Stack,
} from './harness.js';

const MERGE = 'application/merge-patch+json';

describe('Deployment controller (against a local API server)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
    await registerNode(stack, 'node-a');
    await createNamespace(stack, 'shop');
  });
  after(async () => stack.close());

  /** Waits until the deployment has exactly `n` pods; returns them oldest first. */
  const podsOf = (name: string, n: number) =>
    eventually(`${n} pods of ${name}`, async () => {
      const pods = await listPods(stack, 'shop', name);
      return pods.length === n ? pods : undefined;
    });

  it('creates spec.replicas pods from the template, each with a node and owned by the deployment', async () => {
    const created = await stack.must('POST', deploymentPath('shop'), deployment('web', 2));
    const pods = await podsOf('web', 2);
    for (const pod of pods) {
      assert.match(pod.metadata.name, /^web-[a-z0-9]{5}$/);
      assert.equal(pod.spec.nodeName, 'node-a');
      assert.equal(pod.spec.containers[0].image, 'netledger/echo');
      assert.equal(pod.metadata.labels.app, 'web');
      assert.match(pod.metadata.labels['pod-template-hash'], /^[0-9a-f]{10}$/);
      assert.deepEqual(pod.metadata.ownerReferences, [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    const status = await eventually('status with 2 replicas', async () => {
      const d = await stack.must('GET', deploymentPath('shop', 'web'));
      return d.status?.replicas === 2 ? d.status : undefined;
    });
    assert.equal(status.observedGeneration, 1);
    assert.equal(status.updatedReplicas, 2);
    assert.equal(status.readyReplicas, 0);
  });

  it('reports ready and available replicas through the status subresource', async () => {
    const pods = await podsOf('web', 2);
    for (const [i, pod] of pods.entries()) await setPodStatus(stack, 'shop', pod.metadata.name, `10.200.0.${10 + i}`, true);
    const status = await eventually('2 ready replicas', async () => {
      const d = await stack.must('GET', deploymentPath('shop', 'web'));
      return d.status?.readyReplicas === 2 ? d.status : undefined;
    });
    assert.equal(status.availableReplicas, 2);
    assert.equal(status.unavailableReplicas, 0);
    assert.equal(status.conditions.find((c: { type: string }) => c.type === 'Available')?.status, 'True');
  });

  it('scales 1 -> 3 -> 1, removing the newest pods first', async () => {
    await stack.must('POST', deploymentPath('shop'), deployment('api', 1));
    const [first] = await podsOf('api', 1);
    await stack.must('PATCH', deploymentPath('shop', 'api'), { spec: { replicas: 3 } }, MERGE);
    const three = await podsOf('api', 3);
    assert.ok(three.some((p) => p.metadata.uid === first.metadata.uid), 'scaling up keeps the first pod');
    await stack.must('PATCH', deploymentPath('shop', 'api'), { spec: { replicas: 1 } }, MERGE);
    const [kept] = await podsOf('api', 1);
    assert.equal(kept.metadata.uid, first.metadata.uid, 'scaling down removes the pods created last');
    await eventually('status replicas 1', async () => ((await stack.must('GET', deploymentPath('shop', 'api'))).status?.replicas === 1 ? true : undefined));
  });

  it('replaces a pod deleted by hand', async () => {
    const [victim, survivor] = await podsOf('web', 2);
    await stack.must('DELETE', podsPath('shop', victim.metadata.name));
    const pods = await eventually('a replacement pod', async () => {
      const now = await listPods(stack, 'shop', 'web');
      return now.length === 2 && !now.some((p) => p.metadata.uid === victim.metadata.uid) ? now : undefined;
    });
    assert.ok(pods.some((p) => p.metadata.uid === survivor.metadata.uid));
    const replacement = pods.find((p) => p.metadata.uid !== survivor.metadata.uid);
    assert.equal(replacement.spec.nodeName, 'node-a');
  });

  it('rolls a template change out: the old pod goes once its replacement is Ready', async () => {
    await stack.must('POST', deploymentPath('shop'), deployment('cart', 1, { env: 'v1' }));
    const [old] = await podsOf('cart', 1);
    await setPodStatus(stack, 'shop', old.metadata.name, '10.200.0.30', true);
    await stack.must('PUT', deploymentPath('shop', 'cart'), { ...deployment('cart', 1, { env: 'v2' }), metadata: { name: 'cart' } });
    const both = await podsOf('cart', 2);
    const fresh = both.find((p) => p.metadata.uid !== old.metadata.uid);
    assert.notEqual(fresh.metadata.labels['pod-template-hash'], old.metadata.labels['pod-template-hash']);
    assert.equal(fresh.spec.containers[0].env[0].value, 'v2');
    // The new pod is not Ready: the old one must stay (maxUnavailable is 0 for one replica).
    const midway = await eventually('status during the rollout', async () => {
      const d = await stack.must('GET', deploymentPath('shop', 'cart'));
      return d.status?.observedGeneration === 2 ? d.status : undefined;
    });
    assert.equal(midway.updatedReplicas, 1);
    assert.equal(midway.replicas, 2);
    assert.equal((await listPods(stack, 'shop', 'cart')).length, 2);
    await setPodStatus(stack, 'shop', fresh.metadata.name, '10.200.0.31', true);
    const [left] = await podsOf('cart', 1);
    assert.equal(left.metadata.uid, fresh.metadata.uid);
  });

  it('deletes the pods of a deleted deployment', async () => {
    await podsOf('api', 1);
    await stack.must('DELETE', deploymentPath('shop', 'api'));
    await podsOf('api', 0);
  });
});

describe('Scheduler (against a local API server)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
    await createNamespace(stack, 'sched');
  });
  after(async () => stack.close());

  it('leaves pods pending while no node is Ready, then binds them when one is', async () => {
    await registerNode(stack, 'node-down', false);
    await stack.must('POST', deploymentPath('sched'), deployment('early', 2));
    const pending = await eventually('2 pending pods', async () => {
      const pods = await listPods(stack, 'sched', 'early');
      return pods.length === 2 ? pods : undefined;
    });
    for (const pod of pending) assert.equal(pod.spec.nodeName, undefined);
    await registerNode(stack, 'node-up');
    await eventually('pods bound to node-up', async () => {
      const pods = await listPods(stack, 'sched', 'early');
      return pods.length === 2 && pods.every((p) => p.spec.nodeName === 'node-up') ? true : undefined;
    });
  });

  it('binds a bare pod and spreads pods over the nodes with the fewest pods', async () => {
    await registerNode(stack, 'node-b');
    // node-up has 2 pods, node-b none: the next two go to node-b.
    await stack.must('POST', podsPath('sched'), { metadata: { name: 'bare', labels: { app: 'bare' } }, spec: { containers: [{ name: 'c', image: 'netledger/probe' }] } });
    const bare = await eventually('the bare pod bound', async () => {
      const pod = await stack.must('GET', podsPath('sched', 'bare'));
      return pod.spec.nodeName ? pod : undefined;
    });
    assert.equal(bare.spec.nodeName, 'node-b');
    await stack.must('POST', deploymentPath('sched'), deployment('spread', 3));
    const pods = await eventually('3 scheduled pods', async () => {
      const now = await listPods(stack, 'sched', 'spread');
      return now.length === 3 && now.every((p) => p.spec.nodeName) ? now : undefined;
    });
    const perNode = new Map<string, number>();
    for (const p of pods) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
    // Before: node-up 2, node-b 1. Fewest first: node-b, then either (tie broken by name), ...
    assert.deepEqual(Object.fromEntries([...perNode].sort()), { 'node-b': 2, 'node-up': 1 });
  });
});
