import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startControllers, type RunningControllers } from '@netledger/controllers';
import { createNamespace, deployment, deploymentPath, eventually, listPods, podsPath, registerNode, setPodStatus, slicesPath, startStack, type Stack } from './harness.js';

describe('controllers restart', () => {
  let stack: Stack;
  let second: RunningControllers | undefined;
  before(async () => {
    stack = await startStack();
    await registerNode(stack, 'node-a');
    await createNamespace(stack, 'r');
  });
  after(async () => {
    await second?.stop();
    await stack.close();
  });

  it('adopt what the previous run made and clean up what was deleted while they were down', async () => {
    await stack.must('POST', deploymentPath('r'), deployment('keep', 3));
    await stack.must('POST', deploymentPath('r'), deployment('gone', 2));
    await stack.must('POST', '/api/v1/namespaces/r/services', { metadata: { name: 'keep' }, spec: { selector: { app: 'keep' }, ports: [{ port: 80, targetPort: 'http' }] } });
    await stack.must('POST', '/api/v1/namespaces/r/services', { metadata: { name: 'gone' }, spec: { selector: { app: 'gone' }, ports: [{ port: 80 }] } });
    const kept = await eventually('3 + 2 pods', async () => {
      const [k, g] = [await listPods(stack, 'r', 'keep'), await listPods(stack, 'r', 'gone')];
      return k.length === 3 && g.length === 2 ? k : undefined;
    });
    for (const [i, p] of kept.entries()) await setPodStatus(stack, 'r', p.metadata.name, `10.200.0.${40 + i}`, true);
    const slice = await eventually('the keep slice', async () => {
      const r = await stack.call('GET', slicesPath('r', 'keep-nl'));
      return r.status === 200 && r.body.endpoints.length === 3 ? r.body : undefined;
    });
    await eventually('the gone slice', async () => ((await stack.call('GET', slicesPath('r', 'gone-nl'))).status === 200 ? true : undefined));
    const status = await eventually('keep status', async () => {
      const d = await stack.must('GET', deploymentPath('r', 'keep'));
      return d.status?.readyReplicas === 3 ? d.status : undefined;
    });

    await stack.controllers.stop();
    await stack.must('DELETE', deploymentPath('r', 'gone'));
    await stack.must('DELETE', '/api/v1/namespaces/r/services/gone');
    await stack.must('DELETE', podsPath('r', kept[0].metadata.name));

    const log: string[] = [];
    second = await startControllers({ kubeconfigPath: stack.api.kubeconfigPath, logger: { info: (m) => log.push(m), error: (m) => log.push(m) } });
    await eventually('the deleted deployment’s pods gone', async () => ((await listPods(stack, 'r', 'gone')).length === 0 ? true : undefined));
    await eventually('the deleted service’s slice gone', async () => ((await stack.call('GET', slicesPath('r', 'gone-nl'))).status === 404 ? true : undefined));
    const now = await eventually('keep back at 3 pods', async () => {
      const pods = await listPods(stack, 'r', 'keep');
      return pods.length === 3 ? pods : undefined;
    });
    const survivors = kept.slice(1).map((p) => p.metadata.uid);
    assert.deepEqual(now.filter((p) => survivors.includes(p.metadata.uid)).length, 2, 'the surviving pods are adopted, not replaced');
    assert.equal(second.status().deployments.podsCreated, 1, 'only the pod deleted while down is replaced');
    // The keep slice changed only by the deleted pod; the deployment status only by the counts.
    const after = await eventually('keep slice without the deleted pod', async () => {
      const r = await stack.must('GET', slicesPath('r', 'keep-nl'));
      return r.endpoints.length === 2 ? r : undefined;
    });
    assert.equal(after.metadata.uid, slice.metadata.uid);
    assert.equal(status.observedGeneration, 1);
  });
});
