import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPodStatus, podReady, type ContainerStatusInput } from '../src/pod-status.js';

const running: ContainerStatusInput = { name: 'echo', image: 'netledger/echo', containerId: 'netledger://42', ready: true, restartCount: 0, state: { running: { startedAt: 't1' } } };

test('a running, ready pod: IPs, Ready and ContainersReady True, reason and message cleared', () => {
  const status = buildPodStatus({ phase: 'Running', hostIp: '10.200.0.1', podIp: '10.200.0.7', startTime: 't0', reason: undefined, message: undefined, containers: [running], readySince: 't2' });
  assert.equal(status['phase'], 'Running');
  assert.equal(status['reason'], null);
  assert.equal(status['message'], null);
  assert.equal(status['podIP'], '10.200.0.7');
  assert.deepEqual(status['podIPs'], [{ ip: '10.200.0.7' }]);
  assert.deepEqual(status['hostIPs'], [{ ip: '10.200.0.1' }]);
  const conditions = status['conditions'] as Array<{ type: string; status: string; lastTransitionTime: string }>;
  assert.deepEqual(
    conditions.map((c) => [c.type, c.status]),
    [
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ],
  );
  assert.equal(conditions.find((c) => c.type === 'Ready')?.lastTransitionTime, 't2');
  assert.deepEqual(status['containerStatuses'], [
    { name: 'echo', image: 'netledger/echo', imageID: 'netledger/echo', containerID: 'netledger://42', ready: true, started: true, restartCount: 0, state: { running: { startedAt: 't1' } } },
  ]);
  assert.equal(podReady('Running', [running]), true);
});

test('a pod without network: Pending, the failure as reason, no IPs, not ready', () => {
  const waiting: ContainerStatusInput = { ...running, containerId: undefined, ready: false, state: { waiting: { reason: 'ContainerCreating' } } };
  const status = buildPodStatus({
    phase: 'Pending',
    hostIp: '10.200.0.1',
    podIp: undefined,
    startTime: 't0',
    reason: 'FailedCreatePodSandBox',
    message: 'CNI ADD failed',
    containers: [waiting],
    readySince: 't0',
  });
  assert.equal(status['reason'], 'FailedCreatePodSandBox');
  assert.equal(status['podIP'], null);
  assert.equal(status['podIPs'], null);
  const conditions = status['conditions'] as Array<{ type: string; status: string; reason?: string }>;
  assert.equal(conditions.find((c) => c.type === 'PodReadyToStartContainers')?.status, 'False');
  assert.deepEqual(conditions.find((c) => c.type === 'Ready'), { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: 't0', reason: 'ContainersNotReady' });
  assert.equal(podReady('Pending', [waiting]), false);
  assert.equal(podReady('Running', [waiting]), false);
});
