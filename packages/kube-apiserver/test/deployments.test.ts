import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer, createNamespace, startTestServer } from './harness.js';

const BASE = '/apis/apps/v1/namespaces/apps/deployments';

function deployment(name: string, replicas: number): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'echo', image: 'netledger/echo' }] } },
    },
  };
}

describe('apps/v1 Deployments', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await createNamespace(t, 'apps');
  });
  after(async () => t.close());

  it('are discovered under apps/v1 with a status subresource and the deploy short name', async () => {
    const list = await t.call('GET', '/apis/apps/v1');
    assert.equal(list.status, 200);
    const names = list.body.resources.map((r: { name: string }) => r.name);
    assert.deepEqual(names, ['deployments', 'deployments/status']);
    assert.deepEqual(list.body.resources[0].shortNames, ['deploy']);
    assert.equal(list.body.resources[0].namespaced, true);
    assert.equal((await t.call('GET', '/apis/apps')).body.preferredVersion.groupVersion, 'apps/v1');
  });

  it('keep status apart from spec: spec writes bump generation, status writes change only status', async () => {
    const created = await t.call('POST', BASE, deployment('web', 1));
    assert.equal(created.status, 201);
    assert.equal(created.body.metadata.generation, 1);

    const scaled = await t.call('PATCH', `${BASE}/web`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
    assert.equal(scaled.status, 200);
    assert.equal(scaled.body.spec.replicas, 3);
    assert.equal(scaled.body.metadata.generation, 2);

    const status = { observedGeneration: 2, replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
    const withStatus = await t.call('PATCH', `${BASE}/web/status`, { status, spec: { replicas: 9 } }, 'application/merge-patch+json');
    assert.equal(withStatus.status, 200);
    assert.deepEqual(withStatus.body.status, status);
    assert.equal(withStatus.body.spec.replicas, 3, 'a status write leaves spec alone');
    assert.equal(withStatus.body.metadata.generation, 2);

    const rescaled = await t.call('PATCH', `${BASE}/web`, { spec: { replicas: 1 }, status: { replicas: 0 } }, 'application/merge-patch+json');
    assert.deepEqual(rescaled.body.status, status, 'a spec write keeps the stored status');
    assert.equal(rescaled.body.metadata.generation, 3);
  });

  it('print READY, UP-TO-DATE and AVAILABLE in the table kubectl asks for', async () => {
    const res = await fetch(`${t.server.url}${BASE}`, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
    const table = (await res.json()) as { columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[] }> };
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
    );
    assert.deepEqual(table.rows[0]?.cells.slice(0, 4), ['web', '2/1', 3, 2]);
    assert.deepEqual(table.rows[0]?.cells.slice(5), ['echo', 'netledger/echo', 'app=web']);
  });
});
