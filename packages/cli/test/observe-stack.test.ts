// Issue 6's first acceptance bullet, privileged: a whole local stack as root, the connectivity
// check for traffic, then `netledger observe -o json` must show the FORWARDED flows with pod
// names and the DROPPED policy-denied ones naming the policy that decided.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { missingStackCapability, netledgerCli, upTestStack, type CliRun } from '@netledger/testkit';
import type { Flow } from '@netledger/node-agent';
import { DataDir, readRunFiles } from '@netledger/runtime';

const NS = 'connectivity-check';
const CNP = `CiliumNetworkPolicy/${NS}`;

const netledger = (dataDir: string, ...args: string[]): Promise<CliRun> => netledgerCli(dataDir, args);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const pod = (side: Flow['source'], prefix: string): boolean => side.namespace === NS && (side.pod ?? '').startsWith(`${prefix}-`);

/** What the connectivity check's traffic must have left in the flows, each a predicate with its name. */
const EXPECTED: ReadonlyArray<readonly [string, (f: Flow) => boolean]> = [
  ['pod-to-a -> echo-a FORWARDED through the echo-a service', (f) => f.verdict === 'FORWARDED' && pod(f.source, 'pod-to-a') && pod(f.destination, 'echo-a') && f.service?.name === 'echo-a'],
  [
    'pod-to-a-allowed-cnp -> echo-a FORWARDED, allowed by its policy\'s egress rule',
    (f) =>
      f.verdict === 'FORWARDED' &&
      f.observation === 'from-pod' &&
      pod(f.source, 'pod-to-a-allowed-cnp') &&
      pod(f.destination, 'echo-a') &&
      f.policy?.ref === `${CNP}/pod-to-a-allowed-cnp` &&
      f.policy.action === 'allow' &&
      f.policy.rule === 'spec.egress[0]',
  ],
  [
    'pod-to-a-denied-cnp -> echo-a DROPPED policy-denied by the default deny of pod-to-a-denied-cnp',
    (f) =>
      f.verdict === 'DROPPED' &&
      f.dropReason === 'policy-denied' &&
      pod(f.source, 'pod-to-a-denied-cnp') &&
      pod(f.destination, 'echo-a') &&
      f.policy?.ref === `${CNP}/pod-to-a-denied-cnp` &&
      f.policy.action === 'deny' &&
      f.policy.rule === '(default deny)',
  ],
  [
    'pod-to-external-denied-cidr -> 198.51.100.10 DROPPED policy-denied by pod-to-external-denied-cidr',
    (f) =>
      f.verdict === 'DROPPED' &&
      f.dropReason === 'policy-denied' &&
      pod(f.source, 'pod-to-external-denied-cidr') &&
      f.ip.destination === '198.51.100.10' &&
      f.policy?.ref === `${CNP}/pod-to-external-denied-cidr` &&
      f.policy.action === 'deny',
  ],
  ['echo-b answers UDP from pod-to-b-clusterip', (f) => f.verdict === 'FORWARDED' && f.l4.protocol === 'UDP' && pod(f.source, 'pod-to-b-clusterip') && pod(f.destination, 'echo-b')],
];

describe('netledger observe on a running stack (privileged)', { concurrency: false }, () => {
  const missing = missingStackCapability();
  let dataDir = '';
  const pinDir = `/sys/fs/bpf/netledger-test-obs-${process.pid}`;
  const startedAt = Date.now();

  before(async () => {
    if (missing) return;
    dataDir = mkdtempSync(join(tmpdir(), 'netledger-obs-'));
    const up = await upTestStack(dataDir, { node: 'obs-node', pinDir, podCidr: '10.231.0.0/24', serviceCidr: '10.99.0.0/16' });
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
  });

  after(async () => {
    if (!dataDir) return;
    await netledger(dataDir, 'down');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(pinDir, { recursive: true, force: true });
  });

  it('shows the connectivity check\'s FORWARDED flows with pod names and its policy-denied drops with the deciding policy', { skip: missing }, async () => {
    const check = await netledger(dataDir, 'connectivity', 'test');
    assert.equal(check.code, 0, `the connectivity check must pass first:\n${check.stdout}\n${check.stderr}`);

    // The agent reads the ring every ~75 ms; poll generously until every expected flow is there.
    let flows: Flow[] = [];
    let missingFlows: string[] = EXPECTED.map(([name]) => name);
    let last = { code: 0, stdout: '', stderr: '' };
    for (let attempt = 0; attempt < 60 && missingFlows.length > 0; attempt++) {
      if (attempt > 0) await sleep(1000);
      last = await netledger(dataDir, 'observe', '-o', 'json', '--last', '500');
      if (last.code !== 0) continue;
      flows = last.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Flow);
      missingFlows = EXPECTED.filter(([, match]) => !flows.some(match)).map(([name]) => name);
    }
    assert.deepEqual(missingFlows, [], `flows missing after 60 s (exit ${last.code}: ${last.stderr}); observe printed:\n${flows.map((f) => JSON.stringify(f)).join('\n')}`);

    for (const f of flows) {
      assert.equal(f.node, 'obs-node');
      // Kernel monotonic time turned into wall time: within this test's run, not at boot or in the future.
      const t = Date.parse(f.time);
      assert.ok(t >= startedAt - 60_000 && t <= Date.now() + 60_000, `flow ${f.seq} at ${f.time}, the test started at ${new Date(startedAt).toISOString()}`);
    }
  });

  it('filters on the agents, and names the policy in compact lines', { skip: missing }, async () => {
    const r = await netledger(dataDir, 'observe', '-o', 'json', '--verdict', 'DROPPED', '--from-pod', `${NS}/pod-to-a-denied-cnp`, '--last', '100');
    assert.equal(r.code, 0, r.stderr);
    const dropped = r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Flow);
    assert.ok(dropped.length > 0, r.stdout);
    for (const f of dropped) {
      assert.equal(f.verdict, 'DROPPED');
      assert.ok(pod(f.source, 'pod-to-a-denied-cnp'), JSON.stringify(f));
    }
    const compact = await netledger(dataDir, 'observe', '--pod', `${NS}/pod-to-a-denied-cnp`, '--verdict', 'DROPPED', '--last', '1');
    assert.match(compact.stdout, new RegExp(`DROPPED \\(policy-denied\\) by ${CNP}/pod-to-a-denied-cnp \\(default deny\\)`), compact.stdout);
  });

  it('counts the flows into the agent\'s metrics', { skip: missing }, async () => {
    const agent = readRunFiles(new DataDir(dataDir)).find((r) => r.component === 'agent-obs-node');
    assert.ok(agent?.statusUrl, 'the agent has a status URL');
    const text = await (await fetch(`${agent.statusUrl}/metrics`)).text();
    assert.match(text, /^netledger_flows_processed_total\{type="l3_l4",verdict="FORWARDED",node="obs-node"\} [1-9]/m);
    assert.match(text, /^netledger_drop_total\{reason="policy-denied",protocol="TCP",node="obs-node"\} [1-9]/m);
    assert.match(text, /^netledger_tcp_flags_total\{flag="SYN",node="obs-node"\} [1-9]/m);
    assert.match(text, /^netledger_port_distribution_total\{port="8080",protocol="TCP",node="obs-node"\} [1-9]/m);
  });
});
