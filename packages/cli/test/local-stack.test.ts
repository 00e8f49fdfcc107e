import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectBus, EventConsumer, MemoryCursorStore, readNatsCredentials, type NatsConnection } from '@netledger/bus';
import { createNetledgerRegistry } from '@netledger/contracts';
import { probePinnedMaps } from '@netledger/datapath';
import { freePort, netledgerCli, type CliRun } from '@netledger/testkit';

const netledger = (dataDir: string, ...args: string[]): Promise<CliRun> => netledgerCli(dataDir, args);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once the connection reports it lost the server. */
async function waitDisconnected(nc: NatsConnection): Promise<string> {
  for await (const st of nc.status()) if (st.type === 'disconnect') return 'disconnected';
  return 'closed';
}

interface StatusJson {
  healthy: boolean;
  components: Array<{ component: string; kind: string; pid: number; healthy: boolean; detail: Record<string, unknown> }>;
}

describe('local stack (netledger up --detach / status / history / events tail / down)', () => {
  let dataDir: string;
  let pids: number[] = [];
  // The agent pins its maps here (its own directory, so a stack running on this machine is untouched).
  const pinDir = `/sys/fs/bpf/netledger-test-stack-${process.pid}`;
  const datapath = probePinnedMaps(pinDir);

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'netledger-stack-'));
  });

  after(async () => {
    await netledger(dataDir, 'down');
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(pinDir, { recursive: true, force: true });
  });

  it('comes up with every component healthy and the agent in sync', async () => {
    const port = await freePort();
    const upRes = await netledger(dataDir, 'up', '--detach', '--no-demo', '--nats-port', String(port), '--apiserver-port', String(await freePort()), '--node', 'node-a', '--bpf-pin-dir', pinDir, '--pod-cidr', '10.211.0.0/24', '--no-connectivity-check', '--ui-port', '0', '--service-cidr', '10.97.0.0/16');
    assert.equal(upRes.code, 0, upRes.stderr);
    assert.match(upRes.stdout, /nats-server/);
    assert.match(upRes.stdout, /agent-node-a/);

    // The agent catches up asynchronously: poll status until its consumers report lag 0.
    let status: StatusJson | undefined;
    for (let i = 0; i < 100; i++) {
      const res = await netledger(dataDir, 'status', '-o', 'json');
      status = JSON.parse(res.stdout) as StatusJson;
      const agent = status.components.find((c) => c.kind === 'agent');
      if (res.code === 0 && agent?.detail['inSync'] === true && consumersCaughtUp(agent.detail)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(status);
    assert.equal(status.healthy, true);
    assert.deepEqual(
      status.components.map((c) => c.component),
      // The node runtime runs pods as network namespaces, so up starts it only as root.
      ['agent-node-a', 'apiserver', 'controllers', 'identity', 'lb', 'nats', 'policy', ...(process.getuid?.() === 0 ? ['runtime-node-a'] : []), 'ui'],
    );
    pids = status.components.map((c) => c.pid);
    const identity = status.components.find((c) => c.component === 'identity')!;
    assert.equal((identity.detail['log'] as { lastSeq: number }).lastSeq, 7, 'seven reserved identities');
    const agent = status.components.find((c) => c.kind === 'agent')!;
    const consumers = agent.detail['consumers'] as Array<{ service: string; cursor: number; lag: number }>;
    assert.deepEqual(consumers.find((c) => c.service === 'identity'), { ...consumers.find((c) => c.service === 'identity'), cursor: 7, lag: 0 });

    const text = await netledger(dataDir, 'status');
    assert.equal(text.code, 0);
    assert.match(text.stdout, /identity\s+service\s+OK/);
    assert.match(text.stdout, datapath.ok ? new RegExp(`agent-node-a datapath: BPF maps pinned at ${pinDir}`) : /agent-node-a datapath: NO DATAPATH/);
  });

  it('shows the history of a stream and tails events', async () => {
    const h = await netledger(dataDir, 'history', 'identity/2', '-o', 'json');
    assert.equal(h.code, 0, h.stderr);
    const events = JSON.parse(h.stdout) as Array<{ type: string; version: number; data: { id: number; labels: string[] } }>;
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'IdentityAllocated');
    assert.deepEqual(events[0]!.data.labels, ['reserved:world']);

    const t = await netledger(dataDir, 'events', 'tail', '--service', 'identity', '--since', '3', '-o', 'json');
    assert.equal(t.code, 0, t.stderr);
    const lines = t.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number });
    assert.deepEqual(lines.map((l) => l.seq), [3, 4, 5, 6, 7]);

    const bad = await netledger(dataDir, 'history', 'nosuch/thing');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /cannot tell which service owns it/);
  });

  it('refuses a second stack on the same data dir', async () => {
    const again = await netledger(dataDir, 'up', '--detach');
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /already runs/);
  });

  it('runs every component as its own NATS user; credentials add and remove reload the server', async () => {
    const stack = JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as { natsUrl: string; natsMonitorUrl: string };
    const users = ['admin', 'agent-node-a', 'identity', 'lb', 'observer', 'policy', 'subscriber'];
    const credentialsDir = join(dataDir, 'credentials');
    assert.deepEqual(readdirSync(credentialsDir).sort(), users.map((u) => `${u}.json`));
    for (const u of users) assert.equal(statSync(join(credentialsDir, `${u}.json`)).mode & 0o777, 0o600, `${u}.json is private`);
    const keyOf = (u: string): string => readNatsCredentials(join(credentialsDir, `${u}.json`)).publicKey;

    // The server says who each connection authenticated as.
    type Connz = { connections: Array<{ name?: string; authorized_user?: string }> };
    const connz = (await (await fetch(`${stack.natsMonitorUrl}/connz?auth=true`)).json()) as Connz;
    const userOf = (name: string): string | undefined => connz.connections.find((c) => c.name === name)?.authorized_user;
    assert.equal(userOf('netledger-policy-relay'), keyOf('policy'));
    assert.equal(userOf('netledger-identity-relay'), keyOf('identity'));
    assert.equal(userOf('netledger-lb-relay'), keyOf('lb'));
    assert.equal(userOf('ui'), keyOf('observer'));
    assert.ok(connz.connections.every((c) => c.authorized_user), 'no anonymous connection');

    // A user added while the stack runs can read at once, and cannot publish.
    const add = await netledger(dataDir, 'credentials', 'add', 'alice', '-o', 'json');
    assert.equal(add.code, 0, add.stderr);
    assert.deepEqual(JSON.parse(add.stdout), { user: 'alice', role: 'subscriber', file: join(credentialsDir, 'alice.json'), reloaded: true });
    const alice = await connectBus({ servers: stack.natsUrl, name: 'alice', credentials: readNatsCredentials(join(credentialsDir, 'alice.json')) });
    try {
      const seen: number[] = [];
      const consumer = new EventConsumer({
        nc: alice,
        service: 'identity',
        registry: createNetledgerRegistry(),
        name: 'alice/identity',
        cursors: new MemoryCursorStore(),
        handler: { apply: async (e) => void seen.push(e.seq), reset: async () => void seen.splice(0) },
      });
      await consumer.start();
      assert.equal(await consumer.waitInSync(20_000), true);
      await consumer.stop();
      assert.ok(seen.length >= 7, `alice read the identity log (${seen.length} events)`);

      const denied = new Promise<string>((resolve) => {
        void (async () => {
          for await (const st of alice.status()) if (st.type === 'error') return resolve(st.error.message);
        })();
      });
      alice.publish('netledger.identity.v1.IdentityAllocated.identity.99999', '{}');
      assert.match(await denied, /Permissions Violation for Publish/i);

      const list = await netledger(dataDir, 'credentials', 'list', '-o', 'json');
      assert.deepEqual((JSON.parse(list.stdout) as Array<{ user: string; role: string }>).find((u) => u.user === 'alice')?.role, 'subscriber');
      const closed = alice.closed();
      const remove = await netledger(dataDir, 'credentials', 'remove', 'alice');
      assert.equal(remove.code, 0, remove.stderr);
      assert.match(remove.stdout, /removed alice; nats-server reloaded/);
      // A revoked user's connection is closed by the server; with no valid user it cannot come back.
      const outcome = await Promise.race([closed.then(() => 'closed'), waitDisconnected(alice)]);
      assert.ok(outcome === 'closed' || outcome === 'disconnected', outcome);
    } finally {
      await alice.close().catch(() => undefined);
    }
  });

  it('stops every process on down; a restart appends nothing twice and applies the demo cluster', async (t) => {
    const d = await netledger(dataDir, 'down');
    assert.equal(d.code, 0, d.stderr);
    for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} still runs`);

    const port = await freePort();
    const upRes = await netledger(dataDir, 'up', '--detach', '--nats-port', String(port), '--apiserver-port', String(await freePort()), '--node', 'node-a', '--bpf-pin-dir', pinDir, '--pod-cidr', '10.211.0.0/24', '--no-connectivity-check', '--ui-port', '0', '--service-cidr', '10.97.0.0/16');
    assert.equal(upRes.code, 0, upRes.stderr);
    assert.match(upRes.stdout, /Demo cluster/);
    assert.match(upRes.stdout, /pod\/backend-1 created/);
    const s = JSON.parse((await netledger(dataDir, 'status', '-o', 'json')).stdout) as StatusJson;
    pids = s.components.map((c) => c.pid);
    const reserved = JSON.parse((await netledger(dataDir, 'history', 'identity/1', '-o', 'json')).stdout) as unknown[];
    assert.equal(reserved.length, 1, 'the reserved identity was not appended again');
    // The demo's services reach the LB service through the API server and its informers.
    type Row = { service: { namespace: string; name: string }; backends: unknown[] };
    let rows: Row[] = [];
    const backend = (): Row | undefined => rows.find((r) => r.service.namespace === 'shop' && r.service.name === 'backend');
    for (let i = 0; i < 100 && backend()?.backends.length !== 2; i++) {
      const res = await netledger(dataDir, 'service', 'list', '-o', 'json');
      if (res.code === 0) rows = JSON.parse(res.stdout) as Row[];
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(backend()?.backends.length, 2, JSON.stringify(rows));
    if (datapath.ok) {
      // The agent programmed the demo into the node's maps; the bpf commands find them through the stack file.
      let lb = '';
      for (let i = 0; i < 100 && (lb.match(/\(\d+\) \[/g) ?? []).length === 0; i++) {
        lb = (await netledger(dataDir, 'bpf', 'lb', 'list')).stdout;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(lb, /ClusterIP/, lb);
    } else {
      t.diagnostic(`BPF maps not checked: ${datapath.reason}`);
    }
    assert.equal((await netledger(dataDir, 'down')).code, 0);
    for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} still runs`);
  });
});

function consumersCaughtUp(detail: Record<string, unknown>): boolean {
  const consumers = detail['consumers'] as Array<{ lag: number; cursor: number; service: string }> | undefined;
  return !!consumers && consumers.every((c) => c.lag === 0) && consumers.some((c) => c.service === 'identity' && c.cursor === 7);
}
