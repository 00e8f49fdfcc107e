// observe against real agents' flow observers over a real nats-server: the query across nodes,
// answers split over several messages, filters, and --follow. The datapath is a fake ring.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NatsServerProcess, connectBus, type NatsConnection } from '@netledger/bus';
import type { FlowRecord } from '@netledger/datapath';
import { FlowClock, FlowContext, FlowObserver, type Flow, type FlowSource } from '@netledger/node-agent';
import { DataDir, type Logger } from '@netledger/runtime';
import { observe } from '../src/commands/observe.js';
import { writeStackFile } from '../src/stack-file.js';

const quiet = { info: () => undefined, error: () => undefined, warn: () => undefined } as unknown as Logger;
const BOOT_MS = Date.parse('2026-11-29T17:00:00.000Z');

/** The datapath ring of one node: records come with the node's monotonic time. */
class FakeRing implements FlowSource {
  readonly records: FlowRecord[] = [];
  monotonicNs = 10_000_000_000n;

  add(count: number, fields: Partial<FlowRecord> = {}): void {
    for (let i = 0; i < count; i++) {
      this.monotonicNs += 1_000_000n;
      const seq = BigInt(this.records.length + 1);
      this.records.push({
        seq,
        timeNs: this.monotonicNs,
        observation: 'from-pod',
        direction: 'egress',
        verdict: 'FORWARDED',
        dropReason: undefined,
        protocol: 'TCP',
        srcIp: '10.231.0.10',
        dstIp: '10.231.0.20',
        srcPort: 40000 + (Number(seq) % 20000),
        dstPort: 8080,
        srcIdentity: 256,
        dstIdentity: 258,
        endpointId: 1,
        ifindex: 7,
        ruleId: 0,
        tcpFlags: 0x02,
        isReply: false,
        ...fields,
      });
    }
  }

  readFlows(afterSeq: bigint): FlowRecord[] {
    return this.records.filter((r) => r.seq > afterSeq);
  }

  headSeq(): bigint {
    return BigInt(this.records.length);
  }

  clock(): FlowClock {
    // Every record is after the observer's start, so each is published.
    return new FlowClock(() => ({ monotonicNs: 0n, wallMs: BOOT_MS }));
  }
}

describe('netledger observe over NATS', () => {
  let server: NatsServerProcess;
  let root: string;
  let dataDir: DataDir;
  const agents: Array<{ node: string; ring: FakeRing; observer: FlowObserver; nc: NatsConnection }> = [];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'netledger-observe-'));
    server = await NatsServerProcess.start({ storeDir: join(root, 'nats') });
    dataDir = new DataDir(join(root, 'data'));
    writeStack(['n1', 'n2']);
    for (const node of ['n1', 'n2']) {
      const ring = new FakeRing();
      const nc = await connectBus({ servers: server.url, name: `agent-${node}` });
      const observer = new FlowObserver({ node, source: ring, context: new FlowContext(new Map()), nc, logger: quiet, clock: ring.clock() });
      agents.push({ node, ring, observer, nc });
    }
    await Promise.all(agents.map((a) => a.nc.flush()));
  });

  after(async () => {
    for (const a of agents) {
      a.observer.stop();
      await a.nc.close();
    }
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  function writeStack(nodes: string[]): void {
    const services = { identity: '', policy: '', lb: '' };
    writeStackFile(dataDir, { version: 1, supervisorPid: process.pid, startedAt: '', natsUrl: server.url, natsMonitorUrl: '', apiServerUrl: '', kubeconfig: '', services, nodes });
  }

  async function run(flags: Partial<Parameters<typeof observe>[0]>): Promise<{ lines: string[]; warnings: string[] }> {
    const lines: string[] = [];
    const warnings: string[] = [];
    const code = await observe({ dataDir, follow: false, printNodeName: false, write: (l) => lines.push(l), warn: (l) => warnings.push(l), ...flags });
    assert.equal(code, 0);
    return { lines, warnings };
  }

  it('merges every node\'s newest flows by time and applies the filter on the agents', async () => {
    const [n1, n2] = agents;
    n1!.ring.add(3);
    n2!.ring.monotonicNs += 500_000n; // n2's records fall between n1's
    n2!.ring.add(2, { verdict: 'DROPPED', dropReason: 'policy-denied', srcIp: '10.231.0.11' });
    for (const a of agents) a.observer.poll();
    const { lines, warnings } = await run({ output: 'json', last: '4' });
    assert.deepEqual(warnings, []);
    const flows = lines.map((l) => JSON.parse(l) as Flow);
    assert.deepEqual(flows.map((f) => `${f.node}:${f.seq}`), ['n2:1', 'n1:2', 'n2:2', 'n1:3']);
    const dropped = (await run({ output: 'json', verdict: 'DROPPED', fromIp: '10.231.0.0/24' })).lines.map((l) => JSON.parse(l) as Flow);
    assert.deepEqual(dropped.map((f) => `${f.node}:${f.seq}:${f.dropReason}`), ['n2:1:policy-denied', 'n2:2:policy-denied']);
    const compact = (await run({ node: 'n1', last: '1', format: { utc: true } })).lines;
    assert.equal(compact.length, 1);
    assert.match(compact[0]!, /^Nov 29 17:00:10\.\d{3}: 10\.231\.0\.10:\d+ \(ID:256\) -> 10\.231\.0\.20:8080 \(ID:258\) from-pod FORWARDED \(TCP Flags: SYN\)$/);
    const table = (await run({ output: 'table', last: '2' })).lines;
    assert.match(table[0]!, /^TIMESTAMP\s+NODE\s+SOURCE\s+DESTINATION\s+TYPE\s+VERDICT\s+SUMMARY\s+POLICY$/);
    assert.equal(table.length, 3);
  });

  it('collects an answer larger than the max payload from several messages', async () => {
    const [n1] = agents;
    n1!.ring.add(4095);
    n1!.observer.poll();
    const { lines } = await run({ output: 'json', node: 'n1', last: '4095' });
    assert.equal(lines.length, 4095);
    const seqs = lines.map((l) => Number((JSON.parse(l) as Flow).seq));
    assert.equal(seqs[0], 4);
    assert.equal(seqs.at(-1), 4098);
  });

  it('says which nodes did not answer', async () => {
    writeStack(['n1', 'n2', 'n3']);
    const { warnings } = await run({ last: '1', waitMs: '300' });
    assert.deepEqual(warnings, ['netledger observe: no (complete) answer from n3 within 300 ms']);
    writeStack(['n1', 'n2']);
  });

  it('follows: the last flows, then new ones from every node, each once', async () => {
    const [n1, n2] = agents;
    const lines: string[] = [];
    const stop = new AbortController();
    const following = observe({
      dataDir,
      follow: true,
      last: '1',
      output: 'json',
      verdict: 'FORWARDED',
      printNodeName: false,
      write: (l) => {
        lines.push(l);
        if (lines.length === 3) stop.abort();
      },
      warn: () => undefined,
      signal: stop.signal,
    });
    // Flows keep coming until the follower has shown three: the one before it started, then new ones.
    const feeder = setInterval(() => {
      n1!.ring.add(1);
      n2!.ring.add(1, { verdict: 'DROPPED', dropReason: 'policy-denied' });
      for (const a of agents) a.observer.poll();
    }, 50);
    try {
      assert.equal(await following, 0);
    } finally {
      clearInterval(feeder);
    }
    const flows = lines.map((l) => JSON.parse(l) as Flow);
    assert.ok(flows.every((f) => f.verdict === 'FORWARDED' && f.node === 'n1'), 'the filter applies to the stream');
    const seqs = flows.map((f) => Number(f.seq));
    assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), 'in order, none twice');
  });

  it('fails at once when the stack is not running', async () => {
    await assert.rejects(run({ nats: 'nats://127.0.0.1:1' }), /does not answer/);
  });
});
