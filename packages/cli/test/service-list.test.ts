import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createNetledgerRegistry } from '@netledger/contracts';
import { openSqliteEventLog, type EventLog } from '@netledger/eventlog';
import { MemoryClusterSources } from '@netledger/k8s';
import { LbDomain } from '@netledger/lb-service';
import { DataDir, parseServiceArgs, StatusServer, writeRunFile } from '@netledger/runtime';
import { CliError } from '../src/cli-error.js';
import { serviceList, type FrontendRow } from '../src/commands/service-list.js';

describe('netledger service list', () => {
  let root: string;
  let dataDir: DataDir;
  let log: EventLog;
  let domain: LbDomain;
  let server: StatusServer;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'netledger-service-list-'));
    dataDir = new DataDir(root);
    log = await openSqliteEventLog({ service: 'lb', registry: createNetledgerRegistry(), file: join(root, 'lb.db') });
    const sources = new MemoryClusterSources();
    const meta = (name: string, rv: string) => ({ namespace: 'shop', name, uid: `uid-${name}`, resourceVersion: rv });
    await sources.serviceSource.upsert({
      metadata: meta('web', '1'),
      spec: { type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, nodePort: 30080 }] },
    });
    await sources.serviceSource.upsert({ metadata: meta('empty', '2'), spec: { clusterIP: '10.96.0.11', ports: [{ port: 53, protocol: 'UDP' }] } });
    await sources.endpointSliceSource.upsert({
      metadata: { ...meta('web-1', '3'), labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080 }],
      endpoints: [
        { addresses: ['10.0.0.5'], conditions: { ready: true }, nodeName: 'node-a' },
        { addresses: ['10.0.0.6'], conditions: { ready: false, serving: true, terminating: true }, nodeName: 'node-b' },
      ],
    });
    const config = parseServiceArgs('lb', ['--data-dir', root]);
    assert.ok(config);
    domain = new LbDomain();
    await domain.start({ config, log, sources, logger: { info: () => {}, error: () => {} } });
    server = await StatusServer.start({ host: '127.0.0.1', port: 0, status: () => ({ component: 'lb', healthy: true }), queries: domain.queries() });
    writeRunFile(dataDir, { component: 'lb', kind: 'service', pid: process.pid, statusUrl: server.url, startedAt: new Date().toISOString() });
  });

  after(async () => {
    await server?.stop();
    await domain?.stop();
    await log?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('prints one line per frontend with numbered backends', async () => {
    const out: string[] = [];
    assert.equal(await serviceList(dataDir, 'text', (t) => out.push(t)), 0);
    const lines = out.join('\n').split('\n');
    assert.match(lines[0]!, /^ID\s+Frontend\s+Service Type\s+Backend$/);
    assert.match(lines[1]!, /^1\s+10\.96\.0\.10:80\/TCP\s+ClusterIP\s+1 => 10\.0\.0\.5:8080\/TCP \(active\)$/);
    assert.match(lines[2]!, /^\s+2 => 10\.0\.0\.6:8080\/TCP \(terminating\)$/);
    assert.match(lines[3]!, /^2\s+0\.0\.0\.0:30080\/TCP\s+NodePort\s+1 => 10\.0\.0\.5:8080\/TCP \(active\)$/);
    assert.match(lines[5]!, /^3\s+10\.96\.0\.11:53\/UDP\s+ClusterIP$/);
    assert.equal(lines.length, 6);
  });

  it('prints the rows as JSON with -o json', async () => {
    const out: string[] = [];
    await serviceList(dataDir, 'json', (t) => out.push(t));
    const rows = JSON.parse(out.join('')) as FrontendRow[];
    assert.deepEqual(rows.map((r) => [r.id, r.frontend, r.type, r.service.name, r.backends.length]), [
      [1, '10.96.0.10:80/TCP', 'ClusterIP', 'web', 2],
      [2, '0.0.0.0:30080/TCP', 'NodePort', 'web', 2],
      [3, '10.96.0.11:53/UDP', 'ClusterIP', 'empty', 0],
    ]);
    assert.deepEqual(rows[0]!.backends[1], { backendId: 2, address: '10.0.0.6:8080/TCP', state: 'terminating', node: 'node-b' });
  });

  it('says so when no lb service runs from the data dir', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'netledger-service-list-empty-'));
    try {
      await assert.rejects(serviceList(new DataDir(empty), 'text', () => {}), (e: unknown) => e instanceof CliError && /lb service is not running/.test(e.message));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
