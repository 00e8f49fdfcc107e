import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '@netledger/k8s';
import { ECHO_IMAGE, IMAGE_SCRIPTS, PROBE_IMAGE } from '../src/index.js';
import { imageScript } from '../src/pod-images.js';
import { planPod, restartsAfterExit } from '../src/pod-plan.js';

function pod(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Pod {
  return { metadata: { name: 'web', namespace: 'shop', uid: 'u-1', resourceVersion: '1' }, spec, ...extra } as Pod;
}

test('planPod reads containers, ports as NL_PORTS, plain env values and the restart policy', () => {
  const plan = planPod(
    pod({
      nodeName: 'n1',
      restartPolicy: 'OnFailure',
      containers: [
        {
          name: 'echo',
          image: 'netledger/echo:latest',
          ports: [{ containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }, { containerPort: 9, protocol: 'SCTP' }],
          env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { fieldRef: {} } }],
        },
        { name: 'side', image: 'busybox' },
      ],
    }),
  );
  assert.equal(plan.restartPolicy, 'OnFailure');
  assert.equal(plan.hostNetwork, false);
  assert.equal(plan.terminal, false);
  assert.deepEqual(plan.containers, [
    { name: 'echo', image: 'netledger/echo:latest', script: IMAGE_SCRIPTS[ECHO_IMAGE], ports: 'tcp:8080,udp:53', env: { A: '1' } },
    { name: 'side', image: 'busybox', script: undefined, ports: '', env: {} },
  ]);
});

test('planPod: terminal phases, deletion, the netns annotation and the reported Ready condition', () => {
  const plan = planPod(
    pod(
      { containers: [] },
      {
        metadata: { name: 'web', namespace: 'shop', uid: 'u-1', resourceVersion: '1', deletionTimestamp: 'x', annotations: { 'netledger.io/netns': 'nl-abc' } },
        status: { phase: 'Failed', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
      },
    ),
  );
  assert.equal(plan.terminal, true);
  assert.equal(plan.deleting, true);
  assert.equal(plan.restartPolicy, 'Always');
  assert.equal(plan.netnsAnnotation, 'nl-abc');
  assert.deepEqual(plan.reportedReady, { ready: false, since: '2026-01-01T00:00:00Z' });
});

test('imageScript knows the built-in images with or without registry and tag; anything else runs nothing', () => {
  assert.equal(imageScript('netledger/echo'), IMAGE_SCRIPTS[ECHO_IMAGE]);
  assert.equal(imageScript('docker.io/netledger/probe:1.2'), IMAGE_SCRIPTS[PROBE_IMAGE]);
  assert.equal(imageScript('netledger/echo@sha256:abc'), IMAGE_SCRIPTS[ECHO_IMAGE]);
  assert.equal(imageScript('nginx'), undefined);
  assert.equal(imageScript('example.com/netledger/echo'), undefined);
  assert.equal(imageScript(undefined), undefined);
});

test('restartsAfterExit follows the restart policy (an unseen exit counts as a failure)', () => {
  assert.equal(restartsAfterExit('Always', 0), true);
  assert.equal(restartsAfterExit('Never', 1), false);
  assert.equal(restartsAfterExit('OnFailure', 0), false);
  assert.equal(restartsAfterExit('OnFailure', 2), true);
  assert.equal(restartsAfterExit('OnFailure', undefined), true);
});
