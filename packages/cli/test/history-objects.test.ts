import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createNetledgerRegistry, type ServiceName } from '@netledger/contracts';
import type { EventLog } from '@netledger/eventlog';
import { IdentityDomain } from '@netledger/identity-service';
import { createInformerSources, createKubeClient, type KubeClient, type KubeManifest, type KubeObject } from '@netledger/k8s';
import { startLocalApiServer, type LocalApiServer } from '@netledger/kube-apiserver';
import { LbDomain } from '@netledger/lb-service';
import { DataDir, parseServiceArgs, runService, type RunningService, type ServiceDomain } from '@netledger/runtime';
import { startNats, type TestNats, waitFor } from '@netledger/testkit';
import { openServiceLog } from '../src/commands/open-logs.js';
import { objectHistory, type ObjectChange } from '../src/history/object-history.js';
import { replayService } from '../src/history/replay-service.js';
import { serviceView } from '../src/history/service-view.js';

// The identity and LB services as `netledger up` runs them, on a local API server: the history
// of an endpoint, of its identity and of a load-balanced service across create, update, delete.

const pod = (labels: Record<string, string>): KubeManifest =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'shop', labels },
    spec: { nodeName: 'node-a', containers: [{ name: 'web', image: 'netledger/echo' }] },
    status: { phase: 'Running', podIP: '10.0.1.11', podIPs: [{ ip: '10.0.1.11' }] },
  }) as KubeManifest;

const service = (port: number): KubeManifest =>
  ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { clusterIP: '10.96.10.10', selector: { app: 'web' }, ports: [{ name: 'http', port, targetPort: 8080, protocol: 'TCP' }] },
  }) as KubeManifest;

const slice = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abc12', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: [{ addresses: ['10.0.1.11'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'shop', name: 'web-1' } }],
} as unknown as KubeManifest;

describe('history of endpoints, identities and services from the running services', () => {
  let root: string;
  let api: LocalApiServer;
  let nats: TestNats;
  let kube: KubeClient;
  const running: RunningService[] = [];
  const logs = new Map<ServiceName, EventLog>();
  const objects: Record<string, KubeObject> = {};

  const history = (service: ServiceName, stream: string): Promise<ObjectChange[]> => objectHistory(logs.get(service)!, serviceView(service), stream);
  /** Waits until the object's last change satisfies `done` (the service decided what the test changed). */
  const changed = (service: ServiceName, stream: string, done: (last: ObjectChange) => boolean): Promise<ObjectChange[]> =>
    waitFor(`${stream} in the ${service} log`, async () => {
      const changes = await history(service, stream);
      const last = changes.at(-1);
      return last && done(last) ? changes : undefined;
    });

  async function apply(key: string, manifest: KubeManifest): Promise<KubeObject> {
    const [r] = await kube.apply([manifest]);
    assert.ok(r && r.outcome !== 'failed', `apply ${key}`);
    objects[key] = r.object;
    return r.object;
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'netledger-history-objects-'));
    api = await startLocalApiServer({ dataDir: join(root, 'apiserver') });
    nats = await startNats({ prefix: 'netledger-history-objects-nats' });
    kube = createKubeClient({ kubeconfigPath: api.kubeconfigPath });
    const domains: Record<'identity' | 'lb', ServiceDomain> = { identity: new IdentityDomain(), lb: new LbDomain() };
    for (const name of ['identity', 'lb'] as const) {
      const config = parseServiceArgs(name, ['--data-dir', root, '--nats', nats.url, '--kubeconfig', api.kubeconfigPath])!;
      const sources = createInformerSources({ kubeconfigPath: api.kubeconfigPath, backoff: { initialMs: 100, maxMs: 1000 } });
      running.push(await runService(config, createNetledgerRegistry(), domains[name], sources, { info: () => {}, error: () => {} }));
      logs.set(name, await openServiceLog(new DataDir(root), name));
    }
    await apply('ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } as KubeManifest);
  });

  after(async () => {
    for (const log of logs.values()) await log.close();
    for (const s of running.reverse()) await s.stop();
    await nats?.stop();
    await api?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('follows an endpoint and its identity across create, relabel and delete', async () => {
    const created = await apply('pod-1', pod({ app: 'web' }));
    await changed('identity', 'endpoint/shop/web-1', (c) => c.cause.kind === 'kubernetes' && c.cause.resourceVersion === created.metadata.resourceVersion);
    const relabelled = await apply('pod-2', pod({ app: 'web', tier: 'front' }));
    await changed('identity', 'endpoint/shop/web-1', (c) => c.cause.kind === 'kubernetes' && c.cause.resourceVersion === relabelled.metadata.resourceVersion);
    const [gone] = await kube.delete([pod({ app: 'web', tier: 'front' })]);
    assert.equal(gone?.outcome, 'deleted');
    const changes = await changed('identity', 'endpoint/shop/web-1', (c) => c.state === undefined);

    assert.deepEqual(changes.map((c) => c.type), ['EndpointUpserted', 'EndpointUpserted', 'EndpointRemoved']);
    for (const c of changes) {
      assert.equal(c.cause.kind, 'kubernetes');
      if (c.cause.kind === 'kubernetes') assert.deepEqual([c.cause.objectKind, c.cause.uid], ['Pod', created.metadata.uid]);
    }
    const [first, second, third] = changes;
    assert.equal((first!.diff.added['ips'] as string[])[0], '10.0.1.11');
    assert.equal(second!.diff.added['labels.tier'], 'front');
    const identityChange = second!.diff.changed['identity'];
    assert.ok(identityChange, 'new labels, new identity');
    assert.equal(third!.state, undefined);
    assert.ok('identity' in third!.diff.removed);

    // The first identity: allocated for the pod, then unreferenced when it was relabelled.
    const identity = await history('identity', `identity/${String(identityChange.from)}`);
    assert.equal(identity[0]!.type, 'IdentityAllocated');
    assert.deepEqual((identity[0]!.state as { scope: string; live: boolean }).scope, 'cluster');
    assert.ok((identity[0]!.state as { labels: string[] }).labels.some((l) => l.endsWith('app=web')));

    // Replay: the endpoint in force as of its first change, gone as of its last.
    const view = serviceView('identity');
    const atFirst = await replayService(logs.get('identity')!, view, { kind: 'seq', seq: first!.seq });
    assert.deepEqual(atFirst.objects.get('endpoint/shop/web-1'), first!.state);
    const atLast = await replayService(logs.get('identity')!, view, { kind: 'seq', seq: third!.seq });
    assert.equal(atLast.objects.has('endpoint/shop/web-1'), false);
  });

  it('follows a load-balanced service across create, backends, update and delete', async () => {
    const created = await apply('svc-1', service(80));
    await changed('lb', 'service/shop/web', (c) => c.cause.kind === 'kubernetes' && c.cause.resourceVersion === created.metadata.resourceVersion);
    await apply('slice', slice);
    await changed('lb', 'service/shop/web', (c) => ((c.state as { backends?: unknown[] } | undefined)?.backends?.length ?? 0) > 0);
    const updated = await apply('svc-2', service(81));
    await changed('lb', 'service/shop/web', (c) => c.cause.kind === 'kubernetes' && c.cause.resourceVersion === updated.metadata.resourceVersion);
    const [gone] = await kube.delete([service(81)]);
    assert.equal(gone?.outcome, 'deleted');
    const changes = await changed('lb', 'service/shop/web', (c) => c.state === undefined);

    const types = changes.map((c) => c.type);
    assert.equal(types[0], 'ServiceUpserted');
    assert.ok(types.includes('BackendAdded'), types.join(','));
    assert.equal(types.at(-1), 'ServiceDeleted');
    assert.ok(changes[0]!.diff.added['data'], 'the service appears whole');
    const upsert = changes.find((c) => c.cause.kind === 'kubernetes' && c.cause.resourceVersion === updated.metadata.resourceVersion && c.type === 'ServiceUpserted');
    assert.ok(upsert, 'the port change is an upsert caused by the updated Service');
    assert.ok(Object.keys(upsert.diff.changed).some((path) => path.startsWith('data.')), JSON.stringify(upsert.diff));
    assert.equal(changes.at(-1)!.state, undefined);
  });
});
