import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createNetledgerRegistry } from '@netledger/contracts';
import type { EventLog } from '@netledger/eventlog';
import { createInformerSources, createKubeClient, type KubeClient, type KubeManifest } from '@netledger/k8s';
import { startLocalApiServer, type LocalApiServer } from '@netledger/kube-apiserver';
import { PolicyDomain } from '@netledger/policy-service';
import { DataDir, parseServiceArgs, runService, type RunningService } from '@netledger/runtime';
import { netledgerCli, startNats, type TestNats, waitFor } from '@netledger/testkit';
import { openServiceLog } from '../src/commands/open-logs.js';
import { objectHistory } from '../src/history/object-history.js';
import { replayService } from '../src/history/replay-service.js';
import { serviceView } from '../src/history/service-view.js';
import { stateDiff } from '../src/history/state-diff.js';

// The policy service as `netledger up` runs it (informers on a local API server, a SQLite log,
// its relay to NATS), in this process so the test can read the state it holds in memory.
// Snapshots every 2 events, so replays start from snapshots as well as from the beginning.

const view = serviceView('policy');

function netpol(name: string, port: number): KubeManifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace: 'shop', name },
    spec: { podSelector: { matchLabels: { app: name } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port, protocol: 'TCP' }] }] },
  } as KubeManifest;
}

/** The live service's state at one point of its log, recorded while it ran. */
interface Recorded {
  readonly seq: number;
  readonly time: string;
  readonly objects: Map<string, unknown>;
}

describe('history, replay and diff over a running policy service', () => {
  let root: string;
  let api: LocalApiServer;
  let nats: TestNats;
  let kube: KubeClient;
  let domain: PolicyDomain;
  let service: RunningService;
  let log: EventLog;
  const recorded: Recorded[] = [];
  const rv: Record<string, string> = {};
  let uid = '';

  /** Waits until the service decided the change, then records its state with its log's head. */
  async function record(decided: () => boolean, what: string): Promise<void> {
    await waitFor(what, () => (decided() ? true : undefined));
    await domain.idle();
    const head = await log.head();
    const [last] = await log.readAll(head.lastSeq, { limit: 1 });
    recorded.push({ seq: head.lastSeq, time: last!.time, objects: view.objects(domain.state) });
  }

  async function apply(manifest: KubeManifest, key: string): Promise<void> {
    const [result] = await kube.apply([manifest]);
    assert.ok(result && result.outcome !== 'failed', `apply ${key}`);
    const resourceVersion = result.object.metadata.resourceVersion!;
    rv[key] = resourceVersion;
    uid = key === 'web-1' ? result.object.metadata.uid! : uid;
    const stream = key.startsWith('web') ? 'policy/shop/web' : 'policy/shop/db';
    await record(() => domain.state.policies[stream]?.inForce?.resourceVersion === resourceVersion, `${key} in force`);
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'netledger-history-'));
    api = await startLocalApiServer({ dataDir: join(root, 'apiserver') });
    nats = await startNats({ prefix: 'netledger-history-nats' });
    kube = createKubeClient({ kubeconfigPath: api.kubeconfigPath });
    const config = parseServiceArgs('policy', ['--data-dir', root, '--nats', nats.url, '--kubeconfig', api.kubeconfigPath, '--snapshot-every', '2'])!;
    domain = new PolicyDomain();
    const sources = createInformerSources({ kubeconfigPath: api.kubeconfigPath, backoff: { initialMs: 100, maxMs: 1000 } });
    service = await runService(config, createNetledgerRegistry(), domain, sources, { info: () => {}, error: () => {} });
    log = await openServiceLog(new DataDir(root), 'policy');

    const ns = await kube.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } as KubeManifest]);
    assert.notEqual(ns[0]?.outcome, 'failed');
    await apply(netpol('web', 80), 'web-1'); // create
    await apply(netpol('db', 5432), 'db-1'); // another object in between
    await apply(netpol('web', 8080), 'web-2'); // update
    const deleted = await kube.delete([netpol('web', 8080)]);
    assert.equal(deleted[0]?.outcome, 'deleted');
    await record(() => domain.state.policies['policy/shop/web'] === undefined, 'web deleted');
  });

  after(async () => {
    await log?.close();
    await service?.stop();
    await nats?.stop();
    await api?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('lists every change of a policy with its Kubernetes cause and a diff of its state', async () => {
    const changes = await objectHistory(log, view, 'policy/shop/web');
    assert.deepEqual(
      changes.map((c) => c.type),
      ['PolicyAccepted', 'PolicyAccepted', 'PolicyDeleted'],
    );
    const causes = changes.map((c) => (c.cause.kind === 'kubernetes' ? [c.cause.objectKind, c.cause.uid, c.cause.resourceVersion] : c.cause.command));
    assert.equal(causes[0]![1], uid);
    assert.deepEqual(causes.slice(0, 2), [
      ['NetworkPolicy', uid, rv['web-1']],
      ['NetworkPolicy', uid, rv['web-2']],
    ]);

    const [created, updated, deleted] = changes;
    assert.deepEqual(Object.keys(created!.diff.added).sort(), ['inForce', 'kind', 'name', 'namespace', 'rejected']);
    assert.deepEqual(created!.diff.removed, {});
    assert.deepEqual(created!.diff.changed, {});

    assert.deepEqual(Object.keys(updated!.diff.added), []);
    assert.deepEqual(updated!.diff.changed['inForce.resourceVersion'], { from: rv['web-1'], to: rv['web-2'] });
    assert.ok(updated!.diff.changed['inForce.rules'], 'the rules changed with the port');
    assert.ok(updated!.diff.changed['inForce.revision'], 'an update brings a new revision');

    assert.equal(deleted!.state, undefined);
    assert.deepEqual(Object.keys(deleted!.diff.removed).sort(), ['inForce', 'kind', 'name', 'namespace', 'rejected']);
  });

  it('limits history to a window by sequence or time', async () => {
    const all = await objectHistory(log, view, 'policy/shop/web');
    const second = all[1]!;
    const fromSecond = await objectHistory(log, view, 'policy/shop/web', { since: { kind: 'seq', seq: second.seq } });
    assert.deepEqual(fromSecond.map((c) => c.seq), all.slice(1).map((c) => c.seq));
    // The first change listed still diffs against the state before it, not against nothing.
    assert.deepEqual(fromSecond[0]!.diff, second.diff);
    const untilSecond = await objectHistory(log, view, 'policy/shop/web', { until: { kind: 'time', time: new Date(second.time) } });
    assert.deepEqual(untilSecond.map((c) => c.seq), all.slice(0, 2).map((c) => c.seq));
  });

  it('replays the state the live service had at each recorded sequence and time', async () => {
    assert.equal(recorded.length, 4);
    let snapshots = 0;
    for (const r of recorded) {
      const bySeq = await replayService(log, view, { kind: 'seq', seq: r.seq });
      assert.equal(bySeq.seq, r.seq);
      assert.deepEqual(bySeq.objects, new Map([...r.objects].sort(([a], [b]) => (a < b ? -1 : 1))), `state at seq ${r.seq}`);
      // By time: the last event appended by then (one appended in the same millisecond counts too).
      const [next] = await log.readAll(r.seq + 1, { limit: 1 });
      if (next?.time !== r.time) {
        const byTime = await replayService(log, view, { kind: 'time', time: new Date(r.time) });
        assert.equal(byTime.seq, r.seq);
        assert.deepEqual(byTime.objects, bySeq.objects, `state at ${r.time}`);
      }
      if (bySeq.fromSnapshot) snapshots++;
    }
    assert.ok(snapshots > 0, 'no replay started from a snapshot (the service snapshots every 2 events)');
    const before = await replayService(log, view, { kind: 'seq', seq: 0 });
    assert.equal(before.objects.size, 0);
  });

  it('diffs two points at the object level', async () => {
    const [afterCreate, , afterUpdate, afterDelete] = recorded;
    const a = await replayService(log, view, { kind: 'seq', seq: afterCreate!.seq });
    const b = await replayService(log, view, { kind: 'seq', seq: afterUpdate!.seq });
    const c = await replayService(log, view, { kind: 'seq', seq: afterDelete!.seq });
    const ab = stateDiff(a.objects, b.objects);
    assert.deepEqual(ab.added, ['policy/shop/db']);
    assert.deepEqual(ab.removed, []);
    assert.deepEqual(ab.changed.map((x) => x.stream), ['policy/shop/web']);
    const bc = stateDiff(b.objects, c.objects);
    assert.deepEqual([bc.added, bc.removed, bc.changed], [[], ['policy/shop/web'], []]);
  });

  it('answers through the netledger binary', async () => {
    const h = await netledgerCli(root, ['history', 'policy/shop/web']);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, new RegExp(`PolicyAccepted  <- NetworkPolicy shop/web \\(uid ${uid}, rv ${rv['web-1']}\\)`));
    assert.match(h.stdout, new RegExp(`~ inForce.resourceVersion: "${rv['web-1']}" -> "${rv['web-2']}"`));
    assert.match(h.stdout, /PolicyDeleted/);

    const json = JSON.parse((await netledgerCli(root, ['history', 'policy/shop/web', '-o', 'json'])).stdout) as Array<{ type: string; data: unknown; diff: unknown }>;
    assert.equal(json.length, 3);
    assert.ok(json[0]!.data, 'the event data stays in the JSON form');

    const at = recorded[2]!;
    const r = await netledgerCli(root, ['replay', '--service', 'policy', '--at', String(at.seq), '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const replayed = JSON.parse(r.stdout) as { seq: number; objects: Record<string, unknown> };
    assert.equal(replayed.seq, at.seq);
    assert.deepEqual(replayed.objects, Object.fromEntries(at.objects));
    const text = await netledgerCli(root, ['replay', '--service', 'policy', '--at', String(at.seq)]);
    assert.match(text.stdout, new RegExp(`policy as of seq ${at.seq} .*: 2 objects`));

    const d = await netledgerCli(root, ['diff', '--service', 'policy', '--from', String(recorded[0]!.seq), '--to', String(recorded[3]!.seq)]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /1 added, 1 removed, 0 changed/);
    assert.match(d.stdout, /^\+ policy\/shop\/db$/m);
    assert.match(d.stdout, /^- policy\/shop\/web$/m);

    const bad = await netledgerCli(root, ['replay', '--service', 'nope', '--at', '1']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--service nope: expected identity, policy or lb/);
  });
});
