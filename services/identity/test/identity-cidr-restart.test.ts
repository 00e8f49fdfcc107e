import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { PolicyObject } from '@netledger/k8s';
import type { IdentityRow } from '../src/index.js';
import { IdentityHarness } from './support/identity-harness.js';

let resourceVersion = 5000;

function networkPolicy(name: string, cidrs: string[]): PolicyObject {
  return {
    metadata: { name, namespace: 'shop', uid: `uid-np-${name}`, resourceVersion: String(++resourceVersion) },
    spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })) }] },
  };
}

function clusterwide(name: string, cidrs: string[]): PolicyObject {
  return {
    metadata: { name, uid: `uid-ccnp-${name}`, resourceVersion: String(++resourceVersion) },
    spec: { endpointSelector: {}, ingress: [{ fromCIDR: cidrs }] },
  };
}

function cidrIdentities(h: IdentityHarness): IdentityRow[] {
  return h.domain.queries()['identities']!(new URLSearchParams({ scope: 'cidr' })) as IdentityRow[];
}

describe('identity domain with CIDR identities across restarts', () => {
  const harnesses: IdentityHarness[] = [];
  const start = async (...args: Parameters<typeof IdentityHarness.start>): Promise<IdentityHarness> => {
    const h = await IdentityHarness.start(...args);
    harnesses.push(h);
    return h;
  };
  after(async () => {
    for (const h of harnesses) await h.close();
  });

  async function policies(h: IdentityHarness): Promise<void> {
    await h.sources.networkPolicySource.upsert(networkPolicy('a', ['10.0.0.0/8', '192.168.0.0/16']));
    await h.sources.networkPolicySource.upsert(networkPolicy('b', ['10.0.0.0/8']));
    await h.sources.ccnpSource.upsert(clusterwide('corp', ['172.16.0.0/12', 'fd00::/8']));
    await h.domain.settled();
  }

  it('list CIDR identities with their references, keep every id and append nothing on restart', async () => {
    const h = await start({ snapshotEvery: 1 });
    await policies(h);
    const rows = cidrIdentities(h);
    assert.deepEqual(
      rows.map((r) => `${r.id} ${r.labels.join()} ${r.references}`),
      [`${(1 << 24) | 1} cidr:10.0.0.0/8 2`, `${(1 << 24) | 2} cidr:192.168.0.0/16 1`, `${(1 << 24) | 3} cidr:172.16.0.0/12 1`, `${(1 << 24) | 4} cidr:fd00::/8 1`],
    );
    assert.ok(rows.every((r) => r.scope === 'cidr'));
    const seq = await h.lastSeq();
    await h.restart();
    assert.equal(await h.lastSeq(), seq);
    assert.deepEqual(cidrIdentities(h), rows);
    assert.equal(h.domain.status()['cidrIdentities'], 4);
  });

  it('release the CIDRs of a policy deleted while down after the initial sync and the grace period, and only those', async () => {
    const h = await start({ identity: { gcGraceMs: 60_000 } });
    await policies(h);
    await h.domain.stop();
    const seq = await h.lastSeq();
    await h.sources.networkPolicySource.delete(networkPolicy('a', []));
    await h.sources.ccnpSource.upsert(clusterwide('corp', ['172.16.0.0/12', '100.64.0.0/10']));
    await h.restart();
    const events = await h.events(seq + 1);
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.stream} ${e.cause.kind === 'command' ? e.cause.command : e.cause.name}`),
      [
        `IdentityAllocated identity/${(1 << 24) | 5} corp`,
        'PolicyCidrsReferenced cidr-references/CiliumClusterwideNetworkPolicy/corp corp',
        'PolicyCidrsReferenced cidr-references/NetworkPolicy/shop/a identity resync',
      ],
    );
    h.clock.advance(60_000);
    await h.domain.collectGarbage();
    const released = (await h.events(seq + 1)).filter((e) => e.type === 'IdentityReleased').map((e) => (e.data as { labels: string[] }).labels[0]);
    assert.deepEqual(released.sort(), ['cidr:192.168.0.0/16', 'cidr:fd00::/8']);
    assert.deepEqual(cidrIdentities(h).map((r) => r.labels[0]), ['cidr:10.0.0.0/8', 'cidr:172.16.0.0/12', 'cidr:100.64.0.0/10']);
  });

  it('keep the references of a policy that became invalid while down', async () => {
    const h = await start({ identity: { gcGraceMs: 0 } });
    await policies(h);
    await h.domain.stop();
    const seq = await h.lastSeq();
    await h.sources.ccnpSource.upsert(clusterwide('corp', ['not-a-cidr']));
    await h.restart();
    await h.domain.collectGarbage();
    assert.equal(await h.lastSeq(), seq);
    assert.equal(h.domain.status()['invalidPolicies'], 1);
    assert.ok(cidrIdentities(h).some((r) => r.labels[0] === 'cidr:fd00::/8' && r.references === 1));
  });
});
