import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowRecord } from '@netledger/datapath';
import { metricsRegistry, type Logger } from '@netledger/runtime';
import { ClusterView } from '../src/desired/cluster-view.js';
import type { Flow } from '../src/flows/flow.js';
import { FlowContext } from '../src/flows/flow-context.js';
import { FlowObserver, type FlowSource } from '../src/flows/flow-observer.js';
import { FlowPublisher } from '../src/flows/flow-publisher.js';
import { FakeClocks, flowRecord } from './support/flow-records.js';

const quiet: Logger = { info: () => undefined, error: () => undefined, warn: () => undefined } as unknown as Logger;

/** The datapath's ring as readFlows sees it: records by seq; `hidden` seqs are being written. */
class FakeSource implements FlowSource {
  readonly records: FlowRecord[] = [];
  readonly hidden = new Set<bigint>();
  failNext = false;
  reads = 0;

  add(...fields: Array<Partial<FlowRecord>>): void {
    for (const f of fields) this.records.push(flowRecord({ seq: BigInt(this.records.length + 1), ...f }));
  }

  readFlows(afterSeq: bigint): FlowRecord[] {
    this.reads += 1;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('nl_flow_record.observation: 9 is not an NL_OBS_* code');
    }
    return this.records.filter((r) => r.seq > afterSeq && !this.hidden.has(r.seq));
  }

  headSeq(): bigint {
    return BigInt(this.records.length);
  }
}

class FakeNats {
  readonly published: Array<{ subject: string; flow: Flow }> = [];
  flushes: Array<() => void> = [];
  publish(subject: string, payload?: string | Uint8Array): void {
    this.published.push({ subject, flow: JSON.parse(String(payload)) as Flow });
  }
  flush(): Promise<void> {
    return new Promise((resolve) => this.flushes.push(resolve));
  }
}

function observer(source: FakeSource, clocks: FakeClocks, nats = new FakeNats(), node = 'n1'): { obs: FlowObserver; nats: FakeNats } {
  const obs = new FlowObserver({ node, source, context: new FlowContext(new ClusterView().identities), publishPort: nats, logger: quiet, clock: clocks.clock() });
  return { obs, nats };
}

async function counter(name: string, labels: Record<string, string>): Promise<number> {
  const metric = metricsRegistry().getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  return values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
}

describe('FlowObserver', () => {
  it('keeps records from before its start in the ring without publishing them again; publishes new ones', () => {
    const clocks = new FakeClocks(Date.parse('2026-11-29T17:00:00Z'), 10_000);
    const source = new FakeSource();
    source.add({ timeNs: 5_000_000_000n }, { timeNs: 9_000_000_000n });
    const { obs, nats } = observer(source, clocks);
    clocks.advance(1000);
    source.add({ timeNs: clocks.monotonicNs });
    assert.equal(obs.poll(), 3);
    assert.deepEqual(obs.ring.last(10).map((f) => f.seq), ['1', '2', '3']);
    assert.deepEqual(nats.published.map((p) => [p.subject, p.flow.seq]), [['netledger.flows.n1', '3']]);
    assert.equal(nats.published[0]!.flow.time, '2026-11-29T17:00:11.000Z');
    assert.equal(obs.poll(), 0, 'nothing new');
    const s = obs.status();
    assert.equal(s.backfilled, 2);
    assert.equal(s.flows, 1);
    assert.equal(s.lastSeq, '3');
  });

  it('reads a recent gap again once (a slot still being written), then skips it', () => {
    const clocks = new FakeClocks(0);
    const source = new FakeSource();
    const { obs } = observer(source, clocks);
    source.add({}, {}, {}, {});
    source.hidden.add(2n);
    assert.equal(obs.poll(), 1, 'stops before the gap');
    source.hidden.clear();
    obs.poll();
    assert.deepEqual(obs.ring.last(10).map((f) => f.seq), ['1', '2', '3', '4']);
    source.add({}, {}, {});
    source.hidden.add(6n);
    obs.poll(); // reads 5, stops before 6
    obs.poll(); // 6 still missing: skipped this time
    assert.deepEqual(obs.ring.last(10).map((f) => f.seq), ['1', '2', '3', '4', '5', '7']);
  });

  it('skips to the newest record when a read fails, and goes on', () => {
    const clocks = new FakeClocks(0);
    const source = new FakeSource();
    const { obs } = observer(source, clocks);
    source.add({}, {});
    source.failNext = true;
    assert.equal(obs.poll(), 0);
    assert.equal(obs.status().skipped, 2);
    assert.match(obs.status().lastError ?? '', /NL_OBS/);
    source.add({});
    assert.equal(obs.poll(), 1);
    assert.deepEqual(obs.ring.last(10).map((f) => f.seq), ['3']);
  });

  it('skips a record it cannot enrich', () => {
    const clocks = new FakeClocks(0);
    const source = new FakeSource();
    const { obs } = observer(source, clocks);
    source.add({}, { seq: 2n, timeNs: 'not a time' as unknown as bigint }, {});
    obs.poll();
    assert.deepEqual(obs.ring.last(10).map((f) => f.seq), ['1', '3']);
    assert.equal(obs.status().skipped, 1);
  });

  it('counts new flows into the flow metrics by type, verdict, drop reason, flag and port', async () => {
    const clocks = new FakeClocks(0);
    const source = new FakeSource();
    const { obs } = observer(source, clocks, new FakeNats(), 'metrics-node');
    source.add(
      { timeNs: clocks.monotonicNs + 1n },
      { timeNs: clocks.monotonicNs + 2n, verdict: 'DROPPED', dropReason: 'policy-denied' },
      { timeNs: clocks.monotonicNs + 3n, observation: 'host-socket', protocol: 'UDP', dstPort: 53, tcpFlags: 0 },
    );
    obs.poll();
    const node = 'metrics-node';
    assert.equal(await counter('netledger_flows_processed_total', { type: 'l3_l4', verdict: 'FORWARDED', node }), 1);
    assert.equal(await counter('netledger_flows_processed_total', { type: 'drop', verdict: 'DROPPED', node }), 1);
    assert.equal(await counter('netledger_flows_processed_total', { type: 'trace', verdict: 'FORWARDED', node }), 1);
    assert.equal(await counter('netledger_drop_total', { reason: 'policy-denied', protocol: 'TCP', node }), 1);
    assert.equal(await counter('netledger_tcp_flags_total', { flag: 'SYN', node }), 2);
    assert.equal(await counter('netledger_port_distribution_total', { port: '8080', protocol: 'TCP', node }), 2);
    assert.equal(await counter('netledger_port_distribution_total', { port: '53', protocol: 'UDP', node }), 1);
  });
});

describe('FlowPublisher', () => {
  it('drops flows past the limit while a flush is outstanding, and resumes once it confirms', async () => {
    const nats = new FakeNats();
    const publisher = new FlowPublisher(nats, 'netledger.flows.n1', 3);
    const flows = Array.from({ length: 5 }, (_, i) => ({ seq: String(i + 1) }) as Flow);
    publisher.publish(flows);
    assert.deepEqual(publisher.status(), { published: 3, dropped: 2 });
    assert.equal(nats.flushes.length, 1);
    nats.flushes[0]!();
    await new Promise((r) => setImmediate(r));
    publisher.publish(flows.slice(0, 1));
    assert.deepEqual(publisher.status(), { published: 4, dropped: 2 });
  });
});
