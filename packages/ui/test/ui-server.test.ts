import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { NatsConnection } from '@netledger/bus';
import type { EventEnvelope } from '@netledger/contracts';
import type { EventLog } from '@netledger/eventlog';
import type { Pod, Service } from '@netledger/k8s';
import { FLOWS_QUERY_SUBJECT, flowSubject, type Flow, type FlowQuery } from '@netledger/node-agent';
import { startNats, type TestNats } from '@netledger/testkit';
import type { ClusterObjects } from '../src/cluster/cluster-objects.js';
import { NatsFlowSource } from '../src/flows/nats-flow-source.js';
import type { ServiceLogs } from '../src/history/service-logs.js';
import { UiServer } from '../src/http/ui-server.js';
import { UiApi } from '../src/ui-api.js';

// The UI's HTTP surface against a real nats-server with fake agents answering flow queries and
// publishing flows, fake cluster objects and a fake log.

const NS = 'cc';
const quiet = { info: () => undefined, error: () => undefined };

function flow(node: string, seq: number, time: string, over: Partial<Flow> = {}): Flow {
  return {
    seq: String(seq),
    time,
    node,
    verdict: 'FORWARDED',
    observation: 'from-pod',
    direction: 'egress',
    isReply: false,
    ip: { source: '10.0.0.1', destination: '10.0.0.2' },
    l4: { protocol: 'TCP', sourcePort: 40000, destinationPort: 8080, tcpFlags: ['SYN'] },
    source: { identity: 300, namespace: NS, pod: 'client-a1', labels: ['k8s:name=client'] },
    destination: { identity: 301, namespace: NS, pod: 'echo-b2', labels: ['k8s:name=echo'] },
    summary: 'TCP Flags: SYN',
    ...over,
  };
}

const pods: Pod[] = [
  { metadata: { name: 'client-a1', namespace: NS, uid: '1', resourceVersion: '1', labels: { name: 'client' } } },
  { metadata: { name: 'echo-b2', namespace: NS, uid: '2', resourceVersion: '1', labels: { name: 'echo' } } },
];
const services: Service[] = [{ metadata: { name: 'echo', namespace: NS, uid: '3', resourceVersion: '1' }, spec: { clusterIP: '10.96.0.9', selector: { name: 'echo' }, ports: [{ port: 80 }] } }];

describe('UiServer', () => {
  let nats: TestNats;
  let agent: NatsConnection;
  let server: UiServer;
  const queries: FlowQuery[] = [];
  // Each fake agent keeps flows; n2 answers in two messages, as an agent does when an answer exceeds the max payload.
  const rings: Record<string, Flow[]> = {
    n1: [flow('n1', 1, '2026-11-29T18:00:01.000Z'), flow('n1', 2, '2026-11-29T18:00:04.000Z', { verdict: 'DROPPED', dropReason: 'policy-denied' })],
    n2: [flow('n2', 7, '2026-11-29T18:00:02.000Z'), flow('n2', 8, '2026-11-29T18:00:03.000Z')],
  };

  before(async () => {
    nats = await startNats({ prefix: 'netledger-ui' });
    agent = await nats.connect('fake-agents');
    agent.subscribe(FLOWS_QUERY_SUBJECT, {
      callback: (_err, msg) => {
        const q = JSON.parse(msg.string()) as FlowQuery;
        queries.push(q);
        msg.respond(JSON.stringify({ node: 'n1', flows: rings['n1']!.slice(-q.last) }));
        const [first, ...rest] = rings['n2']!.slice(-q.last);
        msg.respond(JSON.stringify({ node: 'n2', flows: first ? [first] : [], more: true }));
        msg.respond(JSON.stringify({ node: 'n2', flows: rest }));
      },
    });
    await agent.flush();
    const ui = await nats.connect('ui');
    const flows = new NatsFlowSource({ connection: () => ui, nodes: () => ['n1', 'n2', 'n3'], queryWaitMs: 500 });
    const cluster: ClusterObjects = { pods: async () => pods, services: async () => services };
    const event = { id: 'e1', service: 'identity', stream: `endpoint/${NS}/client-a1`, version: 1, seq: 4, type: 'EndpointUpserted', schemaVersion: 1, time: '2026-11-29T17:59:00.000Z', cause: { kind: 'command', command: 'test', actor: 't' }, data: {} } as EventEnvelope;
    const log = { readStreamForward: async (stream: string) => (stream === event.stream ? [event] : []) } as unknown as EventLog;
    const logs = { log: async () => log } as unknown as ServiceLogs;
    const api = new UiApi({ flows, cluster, logs, policies: async () => ({ revision: 2, namespaces: [] }), nodes: () => ['n1', 'n2', 'n3'] });
    server = await UiServer.start({ host: '127.0.0.1', port: 0, api, flows, webDir: fileURLToPath(new URL('../src/web/', import.meta.url)), logger: quiet });
  });

  after(async () => {
    await server?.stop();
    await nats?.stop();
  });

  const get = async (path: string): Promise<{ status: number; type: string; body: string }> => {
    const res = await fetch(`${server.url}${path}`);
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
  };

  it('serves the page and its modules, and nothing outside the web directory', async () => {
    const page = await get('/');
    assert.equal(page.status, 200);
    assert.match(page.type, /text\/html/);
    assert.match(page.body, /<script type="module" src="\/app.js">/);
    const app = await get('/app.js');
    assert.match(app.type, /text\/javascript/);
    assert.equal((await get('/../package.json')).status, 404);
    assert.equal((await get('/%2e%2e/package.json')).status, 404);
    assert.equal((await get('/api/nope')).status, 404);
    const post = await fetch(`${server.url}/api/flows`, { method: 'POST' });
    assert.equal(post.status, 400);
  });

  it("gathers every node's flows (one answer in several messages), newest last, and names the node that did not answer", async () => {
    const res = await get('/api/flows?last=3&from-pod=cc/client&verdict=forwarded');
    assert.equal(res.status, 200, res.body);
    const answer = JSON.parse(res.body) as { flows: Flow[]; nodes: string[]; missing: string[] };
    assert.deepEqual(answer.flows.map((f) => `${f.node}/${f.seq}`), ['n2/7', 'n2/8', 'n1/2']);
    assert.deepEqual(answer.nodes, ['n1', 'n2']);
    assert.deepEqual(answer.missing, ['n3']);
    assert.deepEqual(queries.at(-1), { last: 3, filter: { fromPod: 'cc/client', verdict: 'FORWARDED' } });
  });

  it('answers a filter the agents would refuse with a 400 naming the field', async () => {
    const res = await get('/api/flows?to-ip=not-an-ip');
    assert.equal(res.status, 400);
    assert.match(JSON.parse(res.body).error, /toIp "not-an-ip"/);
  });

  it('streams live flows that pass the filter as server-sent events', async () => {
    const ac = new AbortController();
    const res = await fetch(`${server.url}/api/flows/stream?verdict=DROPPED`, { signal: ac.signal });
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    const events: Flow[] = [];
    let text = '';
    // The UI subscribes when the browser connects: publish until a flow comes through.
    const publisher = setInterval(() => {
      agent.publish(flowSubject('n1'), JSON.stringify(flow('n1', 10, new Date().toISOString())));
      agent.publish(flowSubject('n1'), JSON.stringify(flow('n1', 11, new Date().toISOString(), { verdict: 'DROPPED', dropReason: 'policy-denied' })));
      agent.publish(flowSubject('n1'), 'not json');
    }, 100);
    try {
      while (events.length === 0) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
        for (const block of text.split('\n\n').slice(0, -1)) {
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)) as Flow);
        }
        text = text.slice(text.lastIndexOf('\n\n') + 2);
      }
    } finally {
      clearInterval(publisher);
      ac.abort();
    }
    assert.ok(events.length > 0);
    for (const e of events) assert.equal(e.verdict, 'DROPPED');
  });

  it('builds the service map from the cluster and the gathered flows', async () => {
    const res = await get('/api/servicemap');
    assert.equal(res.status, 200, res.body);
    const map = JSON.parse(res.body) as { edges: Array<{ kind: string; source: string; target: string; forwarded: number; dropped: number; verdict: string }>; warnings: string[] };
    const flowEdge = map.edges.find((e) => e.kind === 'flow');
    assert.deepEqual(flowEdge && [flowEdge.source, flowEdge.target, flowEdge.forwarded, flowEdge.dropped, flowEdge.verdict], [`workload:${NS}/client`, `workload:${NS}/echo`, 3, 1, 'mixed']);
    assert.ok(map.edges.some((e) => e.kind === 'backend' && e.source === `service:${NS}/echo`));
    assert.deepEqual(map.warnings, ['no flows from n3: the agent did not answer']);
    assert.equal((await get('/api/servicemap?bogus=1')).status, 400);
  });

  it('answers histories and policies', async () => {
    const history = JSON.parse((await get(`/api/history?object=endpoint/${NS}/client-a1`)).body) as { events: Array<{ type: string }> };
    assert.deepEqual(history.events.map((e) => e.type), ['EndpointUpserted']);
    assert.equal((await get('/api/history?object=nonsense')).status, 400);
    assert.deepEqual(JSON.parse((await get('/api/policies')).body), { revision: 2, namespaces: [] });
    assert.deepEqual(JSON.parse((await get('/api/info')).body), { nodes: ['n1', 'n2', 'n3'], nats: 'unknown' });
  });
});
