import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createNetledgerRegistry, type ServiceName } from '@netledger/contracts';
import { openSqliteEventLog, openSqliteStoredEvents, rebuildProjection, verifyLog, type LogVerification, type Projection } from '@netledger/eventlog';
import { IdentityDomain, identityProjection } from '@netledger/identity-service';
import { LbDomain, lbProjection } from '@netledger/lb-service';
import { PolicyDomain, policyProjection } from '@netledger/policy-service';
import { MemoryClusterSources } from '@netledger/k8s';
import { DataDir, parseServiceArgs } from '@netledger/runtime';
import { createTempDir, type TempDir } from '@netledger/testkit';
import { CliError } from '../src/cli-error.js';
import { logExport } from '../src/commands/log-export.js';
import { logImport } from '../src/commands/log-import.js';

describe('netledger log export / log import', () => {
  let dir: TempDir;
  let dataDir: DataDir;

  // The identity service's own log, written by the service's domain from a small cluster.
  before(async () => {
    dir = await createTempDir('netledger-log-export-cli');
    dataDir = new DataDir(dir.path);
    const log = await openSqliteEventLog({ service: 'identity', registry: createNetledgerRegistry(), file: dataDir.serviceDb('identity') });
    const sources = new MemoryClusterSources();
    const domain = new IdentityDomain();
    try {
      await sources.namespaceSource.upsert({ metadata: { name: 'shop', uid: 'ns-shop', resourceVersion: '1', labels: { team: 'blue' } } });
      const pod = (name: string, app: string, ip: string) => ({
        metadata: { namespace: 'shop', name, uid: `uid-${name}`, resourceVersion: '2', labels: { app } },
        spec: { nodeName: 'node-a', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
        status: { phase: 'Running', podIP: ip },
      });
      const config = parseServiceArgs('identity', ['--data-dir', dir.path]);
      assert.ok(config);
      await domain.start({ config, log, sources, logger: { info: () => {}, error: () => {} } });
      for (let i = 1; i <= 20; i++) await sources.podSource.upsert(pod(`p-${i}`, `app-${i % 4}`, `10.0.0.${i}`));
      // A deleted pod: its endpoint is removed (and its identity may be released later).
      await sources.podSource.delete(pod('p-3', 'app-3', '10.0.0.3'));
      await waitFor(async () => (await log.head()).lastSeq >= 20);
    } finally {
      await domain.stop();
      await log.close();
    }
    // The policy service's log: policies created, updated, one rejected, one deleted.
    const policyLog = await openSqliteEventLog({ service: 'policy', registry: createNetledgerRegistry(), file: dataDir.serviceDb('policy') });
    const policies = new PolicyDomain();
    try {
      const config = parseServiceArgs('policy', ['--data-dir', dir.path]);
      assert.ok(config);
      await policies.start({ config, log: policyLog, sources, logger: { info: () => {}, error: () => {} } });
      let rv = 100;
      const netpol = (name: string, from: string, selector: Record<string, string> = {}) => ({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { namespace: 'shop', name, uid: `uid-np-${name}`, resourceVersion: String(++rv) },
        spec: { podSelector: { matchLabels: selector }, ingress: [{ from: [{ podSelector: { matchLabels: { app: from } } }] }] },
      });
      // One change at a time, each decided before the next (changes that arrive together are coalesced).
      const changes = [
        ...Array.from({ length: 6 }, (_, i) => () => sources.networkPolicySource.upsert(netpol(`np-${i}`, `app-${i}`) as never)),
        () => sources.networkPolicySource.upsert(netpol('np-1', 'app-9') as never),
        () => sources.networkPolicySource.upsert(netpol('bad', 'x', { 'no good': 'x' }) as never),
        () => sources.networkPolicySource.delete(netpol('np-2', 'app-2') as never),
      ];
      for (const change of changes) {
        await change();
        await policies.idle();
      }
      await policies.idle();
    } finally {
      await policies.stop();
      await policyLog.close();
    }
    // The lb service's log: services and their backends at start, then a service deleted while it runs.
    const lbLog = await openSqliteEventLog({ service: 'lb', registry: createNetledgerRegistry(), file: dataDir.serviceDb('lb') });
    const lb = new LbDomain();
    try {
      const meta = (name: string, rv: string) => ({ namespace: 'shop', name, uid: `uid-svc-${name}`, resourceVersion: rv });
      for (let i = 1; i <= 3; i++) {
        await sources.serviceSource.upsert({ metadata: meta(`svc-${i}`, `${10 + i}`), spec: { clusterIP: `10.96.0.${i}`, ports: [{ name: 'http', port: 80 }] } });
        await sources.endpointSliceSource.upsert({
          metadata: { ...meta(`svc-${i}-a`, `${20 + i}`), uid: `uid-slice-${i}`, labels: { 'kubernetes.io/service-name': `svc-${i}` } },
          addressType: 'IPv4',
          ports: [{ name: 'http', port: 8080 }],
          endpoints: [
            { addresses: [`10.0.${i}.1`], conditions: { ready: true }, nodeName: 'node-a' },
            { addresses: [`10.0.${i}.2`], conditions: { ready: true }, nodeName: 'node-b' },
          ],
        });
      }
      const config = parseServiceArgs('lb', ['--data-dir', dir.path]);
      assert.ok(config);
      await lb.start({ config, log: lbLog, sources, logger: { info: () => {}, error: () => {} } });
      await waitFor(async () => (await lbLog.head()).lastSeq >= 9);
      const before = (await lbLog.head()).lastSeq;
      await sources.serviceSource.delete({ metadata: meta('svc-2', '40'), spec: { clusterIP: '10.96.0.2', ports: [{ name: 'http', port: 80 }] } });
      await waitFor(async () => (await lbLog.head()).lastSeq > before);
    } finally {
      await lb.stop();
      await lbLog.close();
    }
  });

  after(async () => {
    await dir?.remove();
  });

  const projections: Partial<Record<ServiceName, Projection<unknown>>> = {
    identity: identityProjection as Projection<unknown>,
    policy: policyProjection as Projection<unknown>,
    lb: lbProjection as Projection<unknown>,
  };
  for (const service of ['identity', 'policy', 'lb'] as const) {
    it(`the ${service} log exported and imported into a new SQLite file verifies, has the same chain head, and rebuilds the same state`, async () => {
      const file = join(dir.path, `${service}.ndjson`);
      assert.equal(await logExport({ dataDir, service, out: file }), 0);
      const target = join(dir.path, 'copy', `${service}.db`);
      assert.equal(await logImport({ dataDir, service, db: `sqlite:${target}`, file, output: 'json' }), 0);

      const original = await verifySqlite(dataDir.serviceDb(service));
      const copy = await verifySqlite(target);
      assert.equal(original.ok, true);
      assert.ok(original.events >= 8, `the ${service} log has events: ${original.events}`);
      assert.equal(copy.ok, true, JSON.stringify(copy.problem));
      assert.equal(copy.events, original.events);
      assert.equal(copy.headHash, original.headHash);
      assert.equal(readFileSync(file, 'utf8').trimEnd().split('\n').length, original.events);

      // The service's own projection over each log, from the first event (no snapshot).
      const projection = projections[service]!;
      const [a, b] = await Promise.all([stateHash(service, projection, dataDir.serviceDb(service)), stateHash(service, projection, target)]);
      assert.equal(b.hash, a.hash);
      assert.ok(a.size > 100, 'the state is not empty');
    });
  }

  it('refuses a non-empty target and a changed export, with the line named', async () => {
    const file = join(dir.path, 'identity-2.ndjson');
    await logExport({ dataDir, service: 'identity', out: file });
    await assert.rejects(logImport({ dataDir, service: 'identity', db: `sqlite:${dataDir.serviceDb('identity')}`, file, output: 'text' }), (e) => e instanceof CliError && /already has events/.test(e.message));
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    // Backdated by a thousand years: a field the hash covers.
    lines[1] = lines[1]!.replace('"time":"2', '"time":"1');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const target = join(dir.path, 'copy-2', 'identity.db');
    await assert.rejects(logImport({ dataDir, service: 'identity', db: `sqlite:${target}`, file, output: 'text' }), (e) => e instanceof CliError && /line 2: .*does not match its hash/.test(e.message));
    assert.equal((await verifySqlite(target)).events, 0, 'nothing was imported');
  });
});

async function verifySqlite(file: string): Promise<LogVerification> {
  const source = openSqliteStoredEvents(file);
  try {
    return await verifyLog(source);
  } finally {
    await source.close();
  }
}

async function stateHash(service: ServiceName, projection: Projection<unknown>, file: string): Promise<{ hash: string; size: number }> {
  const log = await openSqliteEventLog({ service, registry: createNetledgerRegistry(), file });
  try {
    const { state } = await rebuildProjection(log, projection, { ignoreSnapshot: true, snapshotEvery: 0 });
    const json = JSON.stringify(projection.toSnapshot ? projection.toSnapshot(state) : state);
    return { hash: createHash('sha256').update(json).digest('hex'), size: json.length };
  } finally {
    await log.close();
  }
}

async function waitFor(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 800; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the identity service did not write its events in 20 s');
}
