// The bpf commands read maps pinned in a throwaway directory under /sys/fs/bpf. Privileged
// (root, bpffs, bpftool): skipped with the reason otherwise, except the missing-pin-dir error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { openPinnedDatapathMaps, probePinnedMaps } from '@netledger/datapath';
import { CliError, UsageError } from '../src/cli-error.js';
import { bpfEndpointList } from '../src/commands/bpf-endpoint-list.js';
import { bpfIpcacheList } from '../src/commands/bpf-ipcache-list.js';
import { bpfLbList } from '../src/commands/bpf-lb-list.js';
import { bpfPolicyGet } from '../src/commands/bpf-policy-get.js';

const bin = fileURLToPath(new URL('../bin/netledger.js', import.meta.url));
const pinDir = `/sys/fs/bpf/netledger-test-${randomBytes(6).toString('hex')}`;

function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'reading pinned BPF maps needs root (CAP_BPF); not root';
  const probe = probePinnedMaps(pinDir);
  return probe.ok ? undefined : `pinned BPF maps unavailable: ${probe.reason}`;
}

async function run(command: (print: (t: string) => void) => Promise<number>): Promise<string> {
  const out: string[] = [];
  assert.equal(await command((t) => out.push(t)), 0);
  return out.join('\n');
}

describe('netledger bpf ... (privileged)', () => {
  const why = unavailable();

  before(() => {
    if (why) return;
    const maps = openPinnedDatapathMaps({ pinDir });
    maps.ipcache.update([
      { key: { ip: '10.200.0.10', prefixLength: 32 }, value: { identity: 300, tunnelEndpoint: '0.0.0.0', flags: 1 } },
      { key: { ip: '10.201.0.0', prefixLength: 24 }, value: { identity: 301, tunnelEndpoint: '192.168.1.2', flags: 0 } },
      { key: { ip: '10.200.0.9', prefixLength: 32 }, value: { identity: 302, tunnelEndpoint: '0.0.0.0', flags: 1 } },
    ]);
    maps.endpoints.update([
      { key: { ip: '10.200.0.10' }, value: { endpointId: 12, identity: 300, ifindex: 0, flags: 1 } },
      { key: { ip: '10.200.0.9' }, value: { endpointId: 13, identity: 302, ifindex: 0, flags: 0 } },
    ]);
    maps.policy(12).update([
      { key: { direction: 'ingress', identity: 0, protocol: 0, port: 0, prefixLength: 8 }, value: { action: 'deny', flags: 1, ruleId: 0 } },
      { key: { direction: 'ingress', identity: 301, protocol: 6, port: 8080, prefixLength: 93 }, value: { action: 'allow', flags: 0, ruleId: 0x5b44370b } },
      { key: { direction: 'ingress', identity: 302, protocol: 17, port: 53, prefixLength: 96 }, value: { action: 'allow', flags: 0, ruleId: 1 } },
    ]);
    maps.policy(13).update([]);
    maps.lb4Services.update([
      { key: { address: '10.96.0.10', port: 80, protocol: 6, slot: 0 }, value: { backendId: 0, count: 2, revNatIndex: 5, flags: 1 } },
      { key: { address: '10.96.0.10', port: 80, protocol: 6, slot: 1 }, value: { backendId: 21, count: 0, revNatIndex: 5, flags: 0 } },
      { key: { address: '10.96.0.10', port: 80, protocol: 6, slot: 2 }, value: { backendId: 22, count: 0, revNatIndex: 5, flags: 0 } },
    ]);
    maps.lb4Backends.update([
      { key: { backendId: 21 }, value: { address: '10.200.0.10', port: 8080, protocol: 6, state: 'active' } },
      { key: { backendId: 22 }, value: { address: '10.200.0.9', port: 8080, protocol: 6, state: 'active' } },
    ]);
    maps.close();
  });

  after(() => rmSync(pinDir, { recursive: true, force: true }));

  it('bpf ipcache list', async (t) => {
    if (why) return t.skip(why);
    assert.equal(
      await run((p) => bpfIpcacheList(pinDir, 'text', p)),
      [
        'IP PREFIX/ADDRESS   IDENTITY   FLAGS   TUNNEL ENDPOINT',
        '10.200.0.9/32       302        local   0.0.0.0',
        '10.200.0.10/32      300        local   0.0.0.0',
        '10.201.0.0/24       301        -       192.168.1.2',
      ].join('\n'),
    );
    const json = JSON.parse(await run((p) => bpfIpcacheList(pinDir, 'json', p))) as unknown[];
    assert.deepEqual(json[2], { prefix: '10.201.0.0/24', identity: 301, flags: [], tunnelEndpoint: '192.168.1.2' });
  });

  it('bpf policy get by endpoint id, by pod IP, and --all', async (t) => {
    if (why) return t.skip(why);
    const table = [
      'ACTION   DIRECTION   IDENTITY   PORT/PROTO      RULE',
      'Deny     Ingress     ANY        ANY             default',
      'Allow    Ingress     301        8080-8087/TCP   0x5b44370b',
      'Allow    Ingress     302        53/UDP          0x00000001',
    ].join('\n');
    assert.equal(await run((p) => bpfPolicyGet({ pinDir, endpoint: '12', all: false, output: 'text' }, p)), table);
    assert.equal(await run((p) => bpfPolicyGet({ pinDir, endpoint: '10.200.0.10', all: false, output: 'text' }, p)), table);
    assert.equal(
      await run((p) => bpfPolicyGet({ pinDir, endpoint: undefined, all: true, output: 'text' }, p)),
      `nl_policy_12 (endpoint 12, 10.200.0.10):\n${table}\n\nnl_policy_13 (endpoint 13, 10.200.0.9):\nACTION   DIRECTION   IDENTITY   PORT/PROTO   RULE`,
    );
    const json = JSON.parse(await run((p) => bpfPolicyGet({ pinDir, endpoint: '12', all: false, output: 'json' }, p))) as { entries: unknown[] };
    assert.equal(json.entries.length, 3);
    await assert.rejects(bpfPolicyGet({ pinDir, endpoint: '10.9.9.9', all: false, output: 'text' }), (e: unknown) => e instanceof CliError && /no local endpoint has address 10\.9\.9\.9/.test(e.message));
    await assert.rejects(bpfPolicyGet({ pinDir, endpoint: '77', all: false, output: 'text' }), (e: unknown) => e instanceof CliError && /endpoint 77 has no policy map/.test(e.message));
    await assert.rejects(bpfPolicyGet({ pinDir, endpoint: undefined, all: false, output: 'text' }), UsageError);
  });

  it('bpf lb list', async (t) => {
    if (why) return t.skip(why);
    assert.equal(
      await run((p) => bpfLbList(pinDir, 'text', p)),
      [
        'SERVICE ADDRESS     BACKEND ADDRESS (REVNAT_ID) (SLOT)',
        '10.96.0.10:80/TCP   0.0.0.0:0 (5) (0) [ClusterIP]',
        '10.96.0.10:80/TCP   10.200.0.10:8080/TCP (5) (1)',
        '10.96.0.10:80/TCP   10.200.0.9:8080/TCP (5) (2)',
      ].join('\n'),
    );
  });

  it('bpf endpoint list', async (t) => {
    if (why) return t.skip(why);
    assert.equal(
      await run((p) => bpfEndpointList(pinDir, 'text', p)),
      [
        'ENDPOINT ID   ADDRESS       IDENTITY   IFINDEX   ENFORCED   POLICY MAP',
        '12            10.200.0.10   300        0         ingress    nl_policy_12',
        '13            10.200.0.9    302        0         -          nl_policy_13',
      ].join('\n'),
    );
  });

  it('the binary prints the same, with --pin-dir and -o json', (t) => {
    if (why) return t.skip(why);
    const r = spawnSync(process.execPath, [bin, 'bpf', 'lb', 'list', '--pin-dir', pinDir, '-o', 'json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ service: string; slots: unknown[] }>;
    assert.deepEqual(rows.map((row) => [row.service, row.slots.length]), [['10.96.0.10:80/TCP', 2]]);
  });
});

describe('netledger bpf ... without maps', () => {
  it('a missing pin directory is a one-line error, exit code 1', () => {
    const missing = `/sys/fs/bpf/netledger-test-missing-${randomBytes(4).toString('hex')}`;
    const r = spawnSync(process.execPath, [bin, 'bpf', 'ipcache', 'list', '--pin-dir', missing], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `netledger: pin directory ${missing} does not exist: no node agent has pinned its maps there (--pin-dir DIR reads another)\n`);
    assert.equal(r.stdout, '');
  });
});
