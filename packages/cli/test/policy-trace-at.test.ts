// policy trace / policy matrix --at: the verdict from the policy and identity logs replayed to a
// past time. The logs are written by the services' own domains (IdentityDomain, PolicyDomain) from
// an in-memory cluster, then the domains stop: the answers come from the log files alone. At each
// point the live services' query answers are recorded, and the replayed inputs must equal them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createNetledgerRegistry } from '@netledger/contracts';
import { openSqliteEventLog, type EventLog } from '@netledger/eventlog';
import { IdentityDomain, type EndpointRow, type IdentityRow } from '@netledger/identity-service';
import { MemoryClusterSources, type Namespace, type Pod, type PolicyObject } from '@netledger/k8s';
import { PolicyDomain, type PoliciesQueryResult } from '@netledger/policy-service';
import { DataDir, parseServiceArgs } from '@netledger/runtime';
import { createTempDir, netledgerCli, type TempDir } from '@netledger/testkit';
import { CliError, UsageError } from '../src/cli-error.js';
import { policyInputsAt, parsePolicyTime } from '../src/commands/policy-at.js';
import { policyMatrix } from '../src/commands/policy-matrix.js';
import { policiesInForceOf } from '../src/commands/policy-service-client.js';
import { policyTrace, type TraceResult } from '../src/commands/policy-trace.js';
import { peersOfEndpoints } from '../src/commands/policy-workloads.js';

const QUIET = { info: () => {}, error: () => {} };
const ALL = new URLSearchParams();

function pod(name: string, app: string, ip: string, rv: string): Pod {
  return {
    metadata: { namespace: 'shop', name, uid: `uid-${name}`, resourceVersion: rv, labels: { app } },
    spec: { nodeName: 'node-a', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: ip },
  } as Pod;
}

/** Ingress to app=web on the named port `http` from pods labelled app=`from`. */
function allowTo(from: string, rv: string): PolicyObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace: 'shop', name: 'allow-web', uid: 'uid-np-allow-web', resourceVersion: rv },
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: from } } }], ports: [{ port: 'http', protocol: 'TCP' }] }],
    },
  } as unknown as PolicyObject;
}

/** A point between two changes: a time after every event so far and before the next one. */
interface Point {
  readonly at: string;
  readonly policySeq: number;
  readonly identitySeq: number;
  /** What the live services answered then (`policies`, `endpoints`, `identities` queries). */
  readonly policies: PoliciesQueryResult;
  readonly endpoints: EndpointRow[];
  readonly identities: IdentityRow[];
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('policy trace --at: answers from the logs replayed to a past time', () => {
  let dir: TempDir;
  let dataDir: DataDir;
  let firstIdentityEvent: string;
  const points: Point[] = [];

  before(async () => {
    dir = await createTempDir('netledger-policy-trace-at');
    dataDir = new DataDir(dir.path);
    const registry = createNetledgerRegistry();
    const identityLog = await openSqliteEventLog({ service: 'identity', registry, file: dataDir.serviceDb('identity') });
    const policyLog = await openSqliteEventLog({ service: 'policy', registry, file: dataDir.serviceDb('policy') });
    const sources = new MemoryClusterSources();
    const identities = new IdentityDomain();
    const policies = new PolicyDomain();

    const settle = async (): Promise<void> => {
      await identities.settled();
      await policies.idle();
    };
    const mark = async (): Promise<void> => {
      await settle();
      const headSeq = async (log: EventLog): Promise<number> => (await log.head()).lastSeq;
      const at = new Date().toISOString();
      points.push({
        at,
        policySeq: await headSeq(policyLog),
        identitySeq: await headSeq(identityLog),
        policies: clone(policies.queries()['policies']!(ALL) as PoliciesQueryResult),
        endpoints: clone(identities.queries()['endpoints']!(ALL) as EndpointRow[]),
        identities: clone(identities.queries()['identities']!(ALL) as IdentityRow[]),
      });
      // The next event must be appended in a later millisecond than the point.
      await new Promise((r) => setTimeout(r, 5));
    };

    try {
      await sources.namespaceSource.upsert({ metadata: { name: 'shop', uid: 'ns-shop', resourceVersion: '1', labels: { team: 'blue' } } } as Namespace);
      await sources.podSource.upsert(pod('web', 'web', '10.0.0.1', '2'));
      await sources.podSource.upsert(pod('client', 'client', '10.0.0.2', '3'));
      await sources.networkPolicySource.upsert(allowTo('client', '4'));
      await identities.start({ config: parseServiceArgs('identity', ['--data-dir', dir.path])!, log: identityLog, sources, logger: QUIET });
      await policies.start({ config: parseServiceArgs('policy', ['--data-dir', dir.path])!, log: policyLog, sources, logger: QUIET });
      await mark(); // 0: client may reach web

      await sources.networkPolicySource.upsert(allowTo('admin', '5'));
      await mark(); // 1: the policy now wants app=admin: denied

      await sources.podSource.upsert(pod('client', 'admin', '10.0.0.2', '6'));
      await sources.podSource.upsert(pod('late', 'client', '10.0.0.3', '7'));
      await mark(); // 2: client relabelled app=admin: allowed again; late exists (denied)

      await sources.podSource.delete(pod('late', 'client', '10.0.0.3', '8'));
      await mark(); // 3: late is gone
      const [first] = await identityLog.readAll(1, { limit: 1 });
      firstIdentityEvent = first!.time;
    } finally {
      await policies.stop();
      await identities.stop();
      await policyLog.close();
      await identityLog.close();
    }
  });

  after(async () => {
    await dir?.remove();
  });

  async function trace(at: string, src = 'shop/client', extra: Record<string, string> = {}): Promise<TraceResult> {
    const out: string[] = [];
    await policyTrace({ dataDir, src, dst: 'shop/web', dport: '8080/TCP', at, output: 'json', print: (t) => out.push(t), ...extra });
    return JSON.parse(out.join('\n')) as TraceResult;
  }

  it('the replayed inputs are what the live services answered at each point', async () => {
    assert.equal(points.length, 4);
    for (const p of points) {
      const inputs = await policyInputsAt(dataDir, parsePolicyTime(p.at, Date.now()));
      assert.deepEqual(inputs.asOf, { time: p.at, policyLog: inputs.asOf.policyLog, identityLog: inputs.asOf.identityLog });
      assert.equal(inputs.asOf.policyLog.seq, p.policySeq, `policy log seq at ${p.at}`);
      assert.equal(inputs.asOf.identityLog.seq, p.identitySeq, `identity log seq at ${p.at}`);
      assert.deepEqual(clone(inputs.inForce), clone(policiesInForceOf(p.policies)), `policies in force at ${p.at}`);
      assert.deepEqual(clone(inputs.workloads.pods), clone(peersOfEndpoints(p.endpoints, p.identities)), `pods at ${p.at}`);
      assert.equal(inputs.workloads.source, 'identity log');
    }
  });

  it('gives ALLOWED, then DENIED after the policy change, then ALLOWED after the label change, with the deciding rules', async () => {
    const [p0, p1, p2] = points;
    const allowed = await trace(p0!.at);
    assert.equal(allowed.verdict, 'ALLOWED');
    assert.deepEqual(
      allowed.rules.map((r) => r.description),
      ['egress: no policy applies (default allow)', 'NetworkPolicy shop/allow-web ingress rule 0 (spec.ingress[0]): allow'],
    );
    assert.deepEqual(allowed.asOf, { time: p0!.at, policyLog: { seq: p0!.policySeq, time: allowed.asOf!.policyLog.time }, identityLog: allowed.asOf!.identityLog });
    assert.equal(allowed.asOf!.identityLog.seq, p0!.identitySeq);
    assert.equal(allowed.revision, p0!.policies.revision);

    const denied = await trace(p1!.at);
    assert.equal(denied.verdict, 'DENIED');
    assert.deepEqual(denied.rules.map((r) => r.description), ['NetworkPolicy shop/allow-web selects the endpoint for ingress (spec) and no rule allows it (default deny)']);
    assert.equal(denied.asOf!.policyLog.seq, p1!.policySeq);
    assert.ok(denied.revision > allowed.revision, 'the update brought a new policy revision');

    const relabelled = await trace(p2!.at);
    assert.equal(relabelled.verdict, 'ALLOWED');
    assert.match(relabelled.rules[1]!.description, /^NetworkPolicy shop\/allow-web ingress rule 0 .*: allow$/);
    assert.equal(relabelled.asOf!.policyLog.seq, p1!.policySeq, 'no policy changed between the two points');
    assert.ok(relabelled.asOf!.identityLog.seq > p1!.identitySeq);
    // The pod still labelled app=client at that point is denied.
    assert.equal((await trace(p2!.at, 'shop/late')).verdict, 'DENIED');
  });

  it('prints the time and the log sequences used', async () => {
    const p = points[1]!;
    const out: string[] = [];
    await policyTrace({ dataDir, src: 'shop/client', dst: 'shop/web', dport: '8080', at: p.at, output: 'text', print: (t) => out.push(t) });
    assert.equal(
      out.join('\n'),
      `DENIED as of ${p.at} (policy log seq ${p.policySeq}, identity log seq ${p.identitySeq})\n` +
        '  NetworkPolicy shop/allow-web selects the endpoint for ingress (spec) and no rule allows it (default deny)',
    );
  });

  it('policy matrix --at gives the table of each point', async () => {
    const matrixAt = async (at: string): Promise<Record<string, Record<string, string>>> => {
      const out: string[] = [];
      await policyMatrix({ dataDir, namespaces: 'shop', dport: '8080', at, output: 'json', print: (t) => out.push(t) });
      const json = JSON.parse(out.join('\n')) as { matrix: Record<string, Record<string, string>>; asOf: { time: string } };
      assert.equal(json.asOf.time, at);
      return json.matrix;
    };
    assert.equal((await matrixAt(points[0]!.at))['shop/client']!['shop/web'], 'ALLOWED');
    assert.equal((await matrixAt(points[1]!.at))['shop/client']!['shop/web'], 'DENIED');
    const m2 = await matrixAt(points[2]!.at);
    assert.deepEqual(Object.keys(m2).sort(), ['shop/client', 'shop/late', 'shop/web']);
    assert.equal(m2['shop/late']!['shop/web'], 'DENIED');
    const text: string[] = [];
    await policyMatrix({ dataDir, dport: '8080', at: points[3]!.at, output: 'text', print: (t) => text.push(t) });
    assert.match(text.join('\n'), new RegExp(`^as of ${points[3]!.at.replace(/[.]/g, '\\.')} \\(policy log seq ${points[3]!.policySeq}, identity log seq ${points[3]!.identitySeq}\\)\n`));
  });

  it('names the flag and the object when the time or the pod does not fit', async () => {
    const early = new Date(new Date(firstIdentityEvent).getTime() - 60_000).toISOString();
    await assert.rejects(trace(early), (e: unknown) => {
      assert.ok(e instanceof CliError && !(e instanceof UsageError));
      assert.equal(e.message, `--at ${early}: before the first event of the identity log (seq 1 at ${firstIdentityEvent}); no pod was recorded yet`);
      return true;
    });
    await assert.rejects(trace('not-a-time'), (e: unknown) => e instanceof UsageError && /^--at not-a-time: expected a sequence number, an ISO-8601 time/.test(e.message));
    await assert.rejects(trace('12'), (e: unknown) => e instanceof UsageError && /^--at 12: expected a time .* a log sequence names a point of one service's log only/.test(e.message));
    await assert.rejects(trace(points[0]!.at, 'shop/client', { kubeconfig: '/nope' }), (e: unknown) => e instanceof UsageError && /--kubeconfig and --at/.test(e.message));

    // Created after the point, removed before it, never there.
    await assert.rejects(trace(points[0]!.at, 'shop/late'), (e: unknown) => {
      assert.ok(e instanceof CliError);
      assert.match(e.message, new RegExp(`^--src shop/late: pod had no endpoint as of ${points[0]!.at.replace(/[.]/g, '\\.')} \\(identity log seq ${points[0]!.identitySeq}\\): its endpoint was first recorded later, at seq \\d+`));
      return true;
    });
    await assert.rejects(trace(points[3]!.at, 'shop/late'), /^CliError: --src shop\/late: pod had no endpoint as of .*: its last endpoint event by then was EndpointRemoved at seq \d+/);
    await assert.rejects(trace(points[3]!.at, 'shop/nobody'), /--src shop\/nobody: pod had no endpoint .*: the identity log never recorded an endpoint for it/);
  });

  it('answers through the netledger binary, with no service running', async () => {
    const p = points[0]!;
    const r = await netledgerCli(dir.path, ['policy', 'trace', '--src', 'shop/client', '--dst', 'shop/web', '--dport', '8080/TCP', '--at', p.at]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], `ALLOWED as of ${p.at} (policy log seq ${p.policySeq}, identity log seq ${p.identitySeq})`);
    const bad = await netledgerCli(dir.path, ['policy', 'trace', '--src', 'shop/client', '--dst', 'shop/web', '--dport', '8080', '--at', '3']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--at 3: expected a time/);
  });
});

describe('policy trace --at before any policy was recorded', () => {
  let dir: TempDir;

  after(async () => {
    await dir?.remove();
  });

  it('evaluates with no policy in force (the policy log is written only when a policy changes)', async () => {
    dir = await createTempDir('netledger-policy-trace-at-empty');
    const dataDir = new DataDir(dir.path);
    const registry = createNetledgerRegistry();
    const identityLog = await openSqliteEventLog({ service: 'identity', registry, file: dataDir.serviceDb('identity') });
    const policyLog = await openSqliteEventLog({ service: 'policy', registry, file: dataDir.serviceDb('policy') });
    const sources = new MemoryClusterSources();
    const identities = new IdentityDomain();
    try {
      await sources.namespaceSource.upsert({ metadata: { name: 'shop', uid: 'ns-shop', resourceVersion: '1' } } as Namespace);
      await sources.podSource.upsert(pod('web', 'web', '10.0.0.1', '2'));
      await sources.podSource.upsert(pod('client', 'client', '10.0.0.2', '3'));
      await identities.start({ config: parseServiceArgs('identity', ['--data-dir', dir.path])!, log: identityLog, sources, logger: QUIET });
      await identities.settled();
    } finally {
      await identities.stop();
      await policyLog.close();
      await identityLog.close();
    }
    const out: string[] = [];
    await policyTrace({ dataDir, src: 'shop/client', dst: 'shop/web', dport: '8080', at: new Date().toISOString(), output: 'json', print: (t) => out.push(t) });
    const result = JSON.parse(out.join('\n')) as TraceResult;
    assert.equal(result.verdict, 'ALLOWED');
    assert.deepEqual(result.rules.map((r) => r.effect), ['default-allow', 'default-allow']);
    assert.deepEqual(result.asOf!.policyLog, { seq: 0, time: null });
    assert.equal(result.revision, 0);
  });
});
