import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseNatsCredentials } from '@netledger/contracts';
import { createUser } from '@nats-io/nkeys';
import { startNats, type TestNats } from '@netledger/testkit';
import { connectBus, readNatsCredentials, type NatsConnection } from '@netledger/bus';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { PermissionViolationError } from '@nats-io/transport-node';
import { ClientConnectError, connectNetledger, type DeliveryError, type EventsMissingError } from '@netledger/client';
import { eventually, take } from './support/collect.js';
import { openPolicyLog, range, seqsOf, type PolicyLog } from './support/policy-log.js';

// The server runs the stack's users and permissions (docs/security.md): the subscriber user may
// only use the JetStream API subjects docs/public-api.md lists, and receive on its own inbox.
describe('subscribe as the read-only subscriber user', () => {
  let nats: TestNats;
  let nc: NatsConnection;
  let policy: PolicyLog;

  before(async () => {
    nats = await startNats({ prefix: 'client-auth', auth: { nodes: [] } });
    nc = await nats.connect('policy-relay', 'policy');
    policy = await openPolicyLog(nats.dir, nc);
    await policy.append(1, 12);
    assert.equal(await policy.published(), true);
  });

  after(async () => {
    await policy?.close();
    await nats?.stop();
  });

  it('every start point and a server-side filter work with only the subscriber permissions', async () => {
    const errors: Array<DeliveryError | EventsMissingError> = [];
    const client = await connectNetledger({ servers: nats.url, credentials: nats.credentialsFile('subscriber'), name: 'client-auth' });
    try {
      const all = client.subscribe({ services: ['policy'], from: 'start', onError: (e) => errors.push(e) });
      assert.deepEqual(seqsOf(await take(all, 12)), range(1, 12));
      await all.close();

      const byTime = client.subscribe({ services: ['policy'], from: { time: new Date(0) }, onError: (e) => errors.push(e) });
      assert.deepEqual(seqsOf(await take(byTime, 2)), [1, 2]);
      await byTime.close();

      const deleted = client.subscribe({ services: ['policy'], types: ['PolicyDeleted'], from: { seq: 1 }, onError: (e) => errors.push(e) });
      assert.deepEqual(seqsOf(await take(deleted, 2)), [5, 10]);
      await deleted.close();

      const now = client.subscribe({ services: ['policy', 'identity'], from: 'now', onError: (e) => errors.push(e) });
      assert.equal(await eventually(() => now.position().policy === 12 && now.position().identity === 0), true);
      await policy.append(13, 1);
      assert.deepEqual(seqsOf(await take(now, 1)), [13]);
      await now.close();
      // Nothing was denied; the only complaint is the identity stream nobody has created.
      assert.deepEqual(
        errors.map((e) => e.message),
        ['stream NETLEDGER_IDENTITY: the stream does not exist yet (service identity has published nothing); waiting for it'],
      );
    } finally {
      await client.close();
    }
  });

  it('accepts the parsed credentials too; a wrong key is refused at connect', async () => {
    const creds = parseNatsCredentials(readFileSync(nats.credentialsFile('subscriber'), 'utf8'), 'subscriber.json');
    const client = await connectNetledger({ servers: nats.url, credentials: creds });
    await client.close();
    const stranger = createUser();
    const unknown = { ...creds, nkeySeed: new TextDecoder().decode(stranger.getSeed()), publicKey: stranger.getPublicKey() };
    await assert.rejects(connectNetledger({ servers: nats.url, credentials: unknown }), (e: unknown) => e instanceof ClientConnectError && /Authorization/i.test(e.message));
  });

  it('the same credentials cannot publish: no event can be spoofed, no stream changed', async () => {
    const spy = await connectBus({ servers: nats.url, name: 'spoofer', credentials: readNatsCredentials(nats.credentialsFile('subscriber')) });
    try {
      const violation = new Promise<PermissionViolationError>((resolve) => {
        void (async () => {
          for await (const st of spy.status()) if (st.type === 'error' && st.error instanceof PermissionViolationError) return resolve(st.error);
        })();
      });
      const subject = 'netledger.policy.v1.PolicyDeleted.policy.default.spoofed';
      spy.publish(subject, '{}');
      const denied = await violation;
      assert.equal(denied.operation, 'publish');
      assert.equal(denied.subject, subject);
      await assert.rejects(jetstream(spy).publish(subject, '{}', { msgID: 'spoofed' }));
      await assert.rejects(jetstreamManager(spy).then((jsm) => jsm.streams.purge('NETLEDGER_POLICY')));
    } finally {
      await spy.close();
    }
    // The stream still holds exactly what the policy service appended.
    const client = await connectNetledger({ servers: nats.url, credentials: nats.credentialsFile('subscriber') });
    try {
      const all = client.subscribe({ services: ['policy'], from: 'start' });
      assert.deepEqual(seqsOf(await take(all, 13)), range(1, 13));
      await all.close();
    } finally {
      await client.close();
    }
  });
});
