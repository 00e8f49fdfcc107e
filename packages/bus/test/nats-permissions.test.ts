import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetStreamName } from '@netledger/contracts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, nkeyAuthenticator, PermissionViolationError, type NatsConnection } from '@nats-io/transport-node';
import { startNats, type TestNats } from '@netledger/testkit';
import { ensureServiceStream, natsServerConfig, natsPermissions, NatsGrantError, provisionNatsCredentials, readNatsCredentials, removeNatsCredentials, replyInbox, stackNatsUsers } from '../src/index.js';

const POLICY_SUBJECT = 'netledger.policy.v1.PolicyDeleted.policy.default.web';
const IDENTITY_SUBJECT = 'netledger.identity.v1.IdentityAllocated.identity.1000';

/** Resolves with the first permission violation the server reports on `nc` (or undefined after `ms`). */
async function violationAfter(nc: NatsConnection, action: () => void, ms = 1500): Promise<PermissionViolationError | undefined> {
  const status = nc.status()[Symbol.asyncIterator]();
  const seen = (async () => {
    for (;;) {
      const next = await status.next();
      if (next.done) return undefined;
      const s = next.value;
      if (s.type === 'error' && s.error instanceof PermissionViolationError) return s.error;
    }
  })();
  action();
  const timer = new Promise<undefined>((r) => setTimeout(() => r(undefined), ms));
  const result = await Promise.race([seen, timer]);
  await status.return?.();
  return result;
}

/** What a subscription ends with: 'delivered', 'closed', or the operation the server refused. */
async function subscribeOutcome(nc: NatsConnection, subject: string): Promise<string> {
  try {
    for await (const _ of nc.subscribe(subject)) return 'delivered';
  } catch (e) {
    return e instanceof PermissionViolationError ? e.operation : String(e);
  }
  return 'closed';
}

/** Every message an ordered consumer delivers from `stream`, up to `count`. */
async function readStream(nc: NatsConnection, stream: string, count: number): Promise<string[]> {
  const consumer = await jetstream(nc).consumers.get(stream);
  const messages = await consumer.consume();
  const subjects: string[] = [];
  for await (const m of messages) {
    subjects.push(m.subject);
    if (subjects.length === count) break;
  }
  return subjects;
}

describe('natsPermissions (pure)', () => {
  it('gives an agent its own flows subject and nothing to publish events on', () => {
    const p = natsPermissions({ role: 'agent', inboxPrefix: '_INBOX_A', node: 'node-a' });
    assert.ok(p.publish.allow.includes('netledger.flows.node-a'));
    assert.ok(!p.publish.allow.some((s) => s.startsWith('netledger.policy') || s === '>' || s.includes('STREAM.CREATE')));
    assert.deepEqual(p.subscribe.allow, ['_INBOX_A.>', 'netledger.flows.query']);
    assert.equal(p.allowResponses, true);
  });

  it('lets a subscriber publish nothing but stream reads, and subscribe to its inbox only', () => {
    const p = natsPermissions({ role: 'subscriber', inboxPrefix: '_INBOX_S' });
    assert.ok(p.publish.allow.every((s) => s.startsWith('$JS.API.')));
    assert.ok(!p.publish.allow.some((s) => /STREAM\.(CREATE|UPDATE|DELETE|PURGE|MSG\.DELETE)|\$JS\.ACK/.test(s)));
    assert.deepEqual(p.subscribe.allow, ['_INBOX_S.>']);
  });

  it('refuses an agent grant without a usable node, naming the field', () => {
    assert.throws(() => natsPermissions({ role: 'agent', inboxPrefix: '_I' }), (e: unknown) => e instanceof NatsGrantError && /node/.test(e.message));
    assert.throws(() => natsPermissions({ role: 'agent', inboxPrefix: '_I', node: 'a b' }), /cannot be a flows subject token/);
    assert.throws(() => natsPermissions({ role: 'agent', inboxPrefix: '_I', node: 'query' }), NatsGrantError);
  });

  it('renders users by public key with their permissions and no secret', () => {
    const text = natsServerConfig([{ name: 'sub', publicKey: 'UABC', permissions: natsPermissions({ role: 'subscriber', inboxPrefix: '_INBOX_S' }) }], { jetStreamStoreDir: '/var/lib/x' });
    assert.match(text, /jetstream \{\n  store_dir: "\/var\/lib\/x"/);
    assert.match(text, /nkey: "UABC"/);
    assert.match(text, /subscribe: \{ allow: \["_INBOX_S\.>"\] \}/);
    assert.doesNotMatch(text, /SU[A-Z2-7]{20}/);
  });
});

describe('provisionNatsCredentials', () => {
  it('keeps keys across runs, and keeps users added earlier (an agent with its node) in the server config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netledger-creds-'));
    try {
      const options = { dir: join(dir, 'credentials'), serverConfigFile: join(dir, 'nats.conf'), jetStreamStoreDir: join(dir, 'store') };
      const first = provisionNatsCredentials({ ...options, users: stackNatsUsers(['node-a']) });
      const agentFile = first.files.get('agent-node-a')!;
      const agent = readNatsCredentials(agentFile);
      assert.equal(agent.node, 'node-a');
      assert.equal(statSync(agentFile).mode & 0o777, 0o600);
      provisionNatsCredentials({ ...options, users: [{ user: 'alice', role: 'observer' }] });
      assert.equal(readNatsCredentials(agentFile).nkeySeed, agent.nkeySeed, 'the agent kept its key');
      const config = readFileSync(options.serverConfigFile, 'utf8');
      assert.match(config, new RegExp(`nkey: "${agent.publicKey}".*"netledger\\.flows\\.node-a"`));
      assert.match(config, /# alice \(observer\)/);
      assert.throws(() => provisionNatsCredentials({ ...options, users: [{ user: '../x', role: 'subscriber' }] }), /user: expected letters/);
      assert.throws(() => removeNatsCredentials(options.dir, '../nats'), /user: expected letters/);
      assert.equal(removeNatsCredentials(options.dir, 'alice'), true);
      assert.equal(removeNatsCredentials(options.dir, 'alice'), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('NATS permissions on a real nats-server', () => {
  let nats: TestNats;
  before(async () => {
    nats = await startNats({ prefix: 'netledger-nats-auth', auth: { nodes: ['node-a'] } });
  });
  after(async () => nats?.stop());

  it('lets a service manage and publish its own stream only', async () => {
    const policy = await nats.connect('policy-relay', 'policy');
    await ensureServiceStream(policy, 'policy');
    const js = jetstream(policy);
    const ack = await js.publish(POLICY_SUBJECT, '{}', { msgID: 'e1' });
    assert.equal(ack.stream, jetStreamName('policy'));
    await assert.rejects(ensureServiceStream(policy, 'identity'), /NETLEDGER_IDENTITY/);
    const admin = await nats.connect('admin');
    await ensureServiceStream(admin, 'identity');
    await assert.rejects(js.publish(IDENTITY_SUBJECT, '{}', { msgID: 'spoof' }));
    const info = await (await jetstreamManager(admin)).streams.info(jetStreamName('identity'));
    assert.equal(info.state.messages, 0, 'the policy service could not write into the identity stream');
  });

  it('lets an agent read every stream, publish its own flows and answer queries, nothing else', async () => {
    const agent = await nats.connect('agent', 'agent-node-a');
    assert.deepEqual(await readStream(agent, jetStreamName('policy'), 1), [POLICY_SUBJECT]);
    const observer = await nats.connect('observer', 'observer');
    const sub = observer.subscribe('netledger.flows.>');
    const got = (async () => {
      for await (const m of sub) return m.subject;
      return undefined;
    })();
    agent.publish('netledger.flows.node-a', '{}');
    assert.equal(await got, 'netledger.flows.node-a');

    // A large answer comes in several parts, each a response to the one request.
    const responder = agent.subscribe('netledger.flows.query', {
      callback: (_e, m) => {
        for (const part of ['a', 'b', 'c']) m.respond(part);
      },
    });
    await agent.flush();
    const inbox = replyInbox(observer, 'flows');
    const answers = observer.subscribe(inbox, { max: 3 });
    observer.publish('netledger.flows.query', '{}', { reply: inbox });
    const parts: string[] = [];
    for await (const m of answers) parts.push(m.string());
    assert.deepEqual(parts, ['a', 'b', 'c']);
    responder.unsubscribe();

    const other = await violationAfter(agent, () => agent.publish('netledger.flows.node-b', '{}'));
    assert.equal(other?.operation, 'publish');
    assert.equal(other?.subject, 'netledger.flows.node-b');
    const spoof = await violationAfter(agent, () => agent.publish(POLICY_SUBJECT, '{}'));
    assert.equal(spoof?.subject, POLICY_SUBJECT);
  });

  it('lets a subscriber read events but not publish, spoof, change streams, read flows or others’ replies', async () => {
    const subscriber = await nats.connect('subscriber', 'subscriber');
    assert.deepEqual(await readStream(subscriber, jetStreamName('policy'), 1), [POLICY_SUBJECT]);

    const publish = await violationAfter(subscriber, () => subscriber.publish(POLICY_SUBJECT, '{"spoofed":true}'));
    assert.equal(publish?.operation, 'publish');
    assert.equal(publish?.subject, POLICY_SUBJECT);
    await assert.rejects(jetstream(subscriber).publish(POLICY_SUBJECT, '{}', { msgID: 'spoof-2' }));

    const jsm = await jetstreamManager(subscriber);
    await assert.rejects(jsm.streams.purge(jetStreamName('policy')));
    await assert.rejects(jsm.streams.delete(jetStreamName('policy')));

    assert.equal(await subscribeOutcome(subscriber, 'netledger.flows.>'), 'subscription', 'flows are not granted');
    assert.equal(await subscribeOutcome(subscriber, '_INBOX.>'), 'subscription', 'nor are other users’ replies');

    const admin = await nats.connect('admin-check');
    const info = await (await jetstreamManager(admin)).streams.info(jetStreamName('policy'));
    assert.equal(info.state.messages, 1, 'nothing the subscriber sent reached the stream');
  });

  it('adds a user on a config reload (SIGHUP) with JetStream still serving', async () => {
    const dir = join(nats.dir, 'credentials');
    provisionNatsCredentials({ dir, users: [{ user: 'alice', role: 'subscriber' }], serverConfigFile: join(nats.dir, 'nats-server.conf'), jetStreamStoreDir: join(nats.dir, 'store') });
    process.kill(nats.server.pid, 'SIGHUP');
    let alice: NatsConnection | undefined;
    for (let i = 0; i < 50 && !alice; i++) {
      alice = await connect({ servers: nats.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(readNatsCredentials(join(dir, 'alice.json')).nkeySeed)), inboxPrefix: readNatsCredentials(join(dir, 'alice.json')).inboxPrefix }).catch(() => undefined);
      if (!alice) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(alice, 'alice can connect after the reload');
    try {
      assert.deepEqual(await readStream(alice, jetStreamName('policy'), 1), [POLICY_SUBJECT]);
    } finally {
      await alice.close();
    }
  });

  it('makes private reply subjects from the connection’s own inbox prefix', async () => {
    const observer = await nats.connect('observer-inbox', 'observer');
    assert.match(replyInbox(observer, 'flows'), /^_INBOX_[A-Z2-7]{16}\.flows\./);
  });
});
