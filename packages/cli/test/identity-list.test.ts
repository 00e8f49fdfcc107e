import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createNetledgerRegistry } from '@netledger/contracts';
import { openSqliteEventLog, type EventLog } from '@netledger/eventlog';
import { IdentityDomain, type EndpointRow, type IdentityRow } from '@netledger/identity-service';
import { MemoryClusterSources } from '@netledger/k8s';
import { DataDir, parseServiceArgs, StatusServer, writeRunFile } from '@netledger/runtime';
import { CliError } from '../src/cli-error.js';
import { endpointList } from '../src/commands/endpoint-list.js';
import { identityList } from '../src/commands/identity-list.js';

describe('netledger identity list / endpoint list', () => {
  let root: string;
  let dataDir: DataDir;
  let log: EventLog;
  let domain: IdentityDomain;
  let server: StatusServer;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'netledger-identity-list-'));
    dataDir = new DataDir(root);
    log = await openSqliteEventLog({ service: 'identity', registry: createNetledgerRegistry(), file: join(root, 'identity.db') });
    const sources = new MemoryClusterSources();
    await sources.namespaceSource.upsert({ metadata: { name: 'shop', uid: 'ns-shop', resourceVersion: '1', labels: { team: 'blue' } } });
    const pod = (name: string, node: string, ip: string) => ({
      metadata: { namespace: 'shop', name, uid: `uid-${name}`, resourceVersion: '2', labels: { app: 'web', 'pod-template-hash': 'abc' } },
      spec: { nodeName: node, containers: [{ name: 'web', ports: [{ name: 'http', containerPort: 8080 }] }] },
      status: { phase: 'Running', podIP: ip },
    });
    await sources.podSource.upsert(pod('web-1', 'node-a', '10.0.0.1'));
    await sources.podSource.upsert(pod('web-2', 'node-b', '10.0.0.2'));
    const config = parseServiceArgs('identity', ['--data-dir', root]);
    assert.ok(config);
    domain = new IdentityDomain();
    await domain.start({ config, log, sources, logger: { info: () => {}, error: () => {} } });
    server = await StatusServer.start({ host: '127.0.0.1', port: 0, status: () => ({ component: 'identity', healthy: true }), queries: domain.queries() });
    writeRunFile(dataDir, { component: 'identity', kind: 'service', pid: process.pid, statusUrl: server.url, startedAt: new Date().toISOString() });
  });

  after(async () => {
    await server?.stop();
    await domain?.stop();
    await log?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('identity list prints each identity with its scope, references and one label per line', async () => {
    const out: string[] = [];
    assert.equal(await identityList(dataDir, 'text', (t) => out.push(t)), 0);
    const lines = out.join('\n').split('\n');
    assert.match(lines[0]!, /^ID\s+SCOPE\s+REFS\s+LABELS$/);
    assert.match(lines[1]!, /^1\s+reserved\s+0\s+reserved:host$/);
    const cluster = lines.findIndex((l) => l.startsWith('256 '));
    assert.match(lines[cluster]!, /^256\s+cluster\s+2\s+k8s:app=web$/);
    assert.match(lines[cluster + 1]!, /^\s+k8s:io\.cilium\.k8s\.namespace\.labels\.kubernetes\.io\/metadata\.name=shop$/);
    assert.equal(lines.length, 1 + 7 + 5);
  });

  it('identity list -o json prints the rows', async () => {
    const out: string[] = [];
    await identityList(dataDir, 'json', (t) => out.push(t));
    const rows = JSON.parse(out.join('')) as IdentityRow[];
    assert.deepEqual(rows.map((r) => r.id), [1, 2, 3, 4, 5, 6, 7, 256]);
    assert.equal(rows.at(-1)!.references, 2);
  });

  it('endpoint list prints namespace/pod, node, IPs, identity and labels, and filters by node', async () => {
    const out: string[] = [];
    assert.equal(await endpointList(dataDir, 'text', {}, (t) => out.push(t)), 0);
    const lines = out.join('\n').split('\n');
    assert.match(lines[0]!, /^ENDPOINT\s+NODE\s+IPS\s+IDENTITY\s+LABELS$/);
    assert.match(lines[1]!, /^shop\/web-1\s+node-a\s+10\.0\.0\.1\s+256\s+app=web,pod-template-hash=abc$/);
    assert.equal(lines.length, 3);

    const json: string[] = [];
    await endpointList(dataDir, 'json', { node: 'node-b' }, (t) => json.push(t));
    const rows = JSON.parse(json.join('')) as EndpointRow[];
    assert.deepEqual(rows.map((r) => [r.pod, r.namedPorts]), [['web-2', [{ name: 'http', port: 8080, protocol: 'TCP' }]]]);
  });

  it('says so when the identity service is not running', async () => {
    const empty = new DataDir(join(root, 'elsewhere'));
    await assert.rejects(identityList(empty, 'text', () => {}), (e: unknown) => e instanceof CliError && /identity service is not running/.test(e.message));
    await assert.rejects(endpointList(empty, 'text', {}, () => {}), CliError);
  });
});
