import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type TestServer, createNamespace, pod, startTestServer } from './harness.js';

const exec = promisify(execFile);
const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));
const skip = KUBECTL === undefined ? 'kubectl not installed (looked in /usr/bin and /usr/local/bin)' : false;

describe('kubectl against the local API server', { skip }, () => {
  let t: TestServer;
  const kubectl = async (...args: string[]): Promise<string> => {
    const { stdout } = await exec(
      KUBECTL ?? 'kubectl',
      ['--kubeconfig', t.server.kubeconfigPath, '--cache-dir', join(t.dataDir, 'kubectl-cache'), '--request-timeout=20s', ...args],
      { timeout: 30_000, env: { PATH: process.env['PATH'] ?? '', HOME: t.dataDir } },
    );
    return stdout;
  };
  const kubectlWithInput = (input: string, ...args: string[]): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(
        KUBECTL ?? 'kubectl',
        ['--kubeconfig', t.server.kubeconfigPath, '--cache-dir', join(t.dataDir, 'kubectl-cache'), '--request-timeout=20s', ...args],
        { env: { PATH: process.env['PATH'] ?? '', HOME: t.dataDir }, stdio: ['pipe', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill(), 30_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`kubectl ${args.join(' ')} exited ${code}: ${stderr}`));
      });
      child.stdin.end(input);
    });
  const rows = (out: string): string[][] =>
    out
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s{2,}/));

  before(async () => {
    t = await startTestServer();
    await createNamespace(t, 'k');
    await t.call('POST', '/api/v1/namespaces/k/pods', pod('web-1', { app: 'web' }, { nodeName: 'node-a' }));
    await t.call('PATCH', '/api/v1/namespaces/k/pods/web-1/status', { status: { phase: 'Running', podIP: '10.0.0.7' } }, 'application/merge-patch+json');
    await t.call('POST', '/api/v1/namespaces/default/pods', pod('db-1', { app: 'db' }));
    await t.call('POST', '/api/v1/namespaces/k/services', { metadata: { name: 'web' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }] } });
    await t.call('POST', '/apis/cilium.io/v2/namespaces/k/ciliumnetworkpolicies', { metadata: { name: 'allow-web' }, spec: { endpointSelector: { matchLabels: { app: 'web' } } } });
  });
  after(async () => t?.close());

  it('get pods -A prints a table with namespaces', async () => {
    const table = rows(await kubectl('get', 'pods', '-A'));
    assert.deepEqual(table[0], ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    assert.deepEqual(table.slice(1).map((r) => r.slice(0, 5)), [
      ['default', 'db-1', '0/1', 'Pending', '0'],
      ['k', 'web-1', '0/1', 'Running', '0'],
    ]);
    const wide = rows(await kubectl('get', 'po', '-n', 'k', '-o', 'wide'));
    assert.deepEqual(wide[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']);
    assert.deepEqual([wide[1]?.[5], wide[1]?.[6]], ['10.0.0.7', 'node-a']);
  });

  it('get svc -n x shows type, ClusterIP and ports', async () => {
    const table = rows(await kubectl('get', 'svc', '-n', 'k'));
    assert.deepEqual(table[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    assert.equal(table[1]?.[0], 'web');
    assert.equal(table[1]?.[1], 'NodePort');
    assert.match(table[1]?.[2] ?? '', /^10\.96\.0\.\d+$/);
    assert.equal(table[1]?.[4], '80:30080/TCP');
  });

  it('get cnp -A -o json returns the objects', async () => {
    const list = JSON.parse(await kubectl('get', 'cnp', '-A', '-o', 'json')) as { items: { kind: string; metadata: { name: string; namespace: string } }[] };
    assert.deepEqual(list.items.map((i) => [i.kind, i.metadata.namespace, i.metadata.name]), [['CiliumNetworkPolicy', 'k', 'allow-web']]);
  });

  it('get ns lists namespaces with status', async () => {
    const table = rows(await kubectl('get', 'ns'));
    assert.deepEqual(table[0], ['NAME', 'STATUS', 'AGE']);
    const names = table.slice(1).map((r) => r[0]);
    for (const n of ['default', 'k', 'kube-system']) assert.ok(names.includes(n), n);
    assert.ok(table.slice(1).every((r) => r[1] === 'Active'));
  });

  it('selectors, single objects and short names work', async () => {
    const labelled = rows(await kubectl('get', 'pods', '-A', '-l', 'app=web', '--no-headers'));
    assert.deepEqual(labelled.map((r) => r[1]), ['web-1']);
    const byNode = rows(await kubectl('get', 'pods', '-A', '--field-selector', 'spec.nodeName=node-a', '--no-headers'));
    assert.deepEqual(byNode.map((r) => r[1]), ['web-1']);
    const one = JSON.parse(await kubectl('get', 'pod', 'web-1', '-n', 'k', '-o', 'json')) as { metadata: { labels: Record<string, string> } };
    assert.equal(one.metadata.labels['app'], 'web');
    const name = await kubectl('get', 'ciliumnetworkpolicies.cilium.io', '-n', 'k', '-o', 'name');
    assert.equal(name.trim(), 'ciliumnetworkpolicy.cilium.io/allow-web');
  });

  it('apply (server-side field validation advertised via OpenAPI v3), label and delete', async () => {
    const manifest = (labels: Record<string, string>): string =>
      JSON.stringify({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'global', labels }, spec: {} });
    await kubectlWithInput(manifest({ v: '1' }), 'apply', '-f', '-');
    assert.equal((await t.call('GET', '/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies/global')).body.metadata.labels.v, '1');
    await kubectlWithInput(manifest({ v: '2' }), 'apply', '-f', '-');
    assert.equal((await t.call('GET', '/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies/global')).body.metadata.labels.v, '2');
    await kubectlWithInput(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'created' } }), 'create', '-f', '-');
    assert.equal((await t.call('GET', '/api/v1/namespaces/created')).status, 200);
    await kubectl('label', 'pod', 'web-1', '-n', 'k', 'tier=front');
    assert.equal((await t.call('GET', '/api/v1/namespaces/k/pods/web-1')).body.metadata.labels.tier, 'front');
    await kubectl('delete', 'pod', 'db-1', '-n', 'default');
    assert.equal((await t.call('GET', '/api/v1/namespaces/default/pods/db-1')).status, 404);
  });
});
