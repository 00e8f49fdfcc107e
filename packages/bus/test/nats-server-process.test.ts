import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { jetStreamName } from '@netledger/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus, ensureServiceStream, NatsNotInstalledError, NatsServerProcess } from '@netledger/bus';
import { nextReconnect, tempDir } from './support/fixtures.js';

describe('NatsServerProcess', () => {
  it('starts healthy on free ports, keeps ports and store across restart, and stops', async () => {
    const tmp = await tempDir('server');
    const server = await NatsServerProcess.start({ storeDir: join(tmp.dir, 'store') });
    try {
      assert.match(server.url, /^nats:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${server.monitorUrl}/healthz`);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const firstPid = server.pid;

      const nc = await connectBus({ servers: server.url, name: 'server-test' });
      await ensureServiceStream(nc, 'lb');
      await ensureServiceStream(nc, 'lb'); // idempotent
      const reconnected = nextReconnect(nc);
      await server.restart();
      await reconnected;
      assert.notEqual(server.pid, firstPid);
      // The same client reconnects to the same url, and the stream survived in the store.
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(jetStreamName('lb'));
      assert.deepEqual(info.config.subjects, ['netledger.lb.v1.>']);
      assert.equal(info.config.duplicate_window, 120_000_000_000);
      assert.equal(info.config.storage, 'file');
      await nc.close();
    } finally {
      await server.stop();
      await tmp.cleanup();
    }
    await server.stop(); // stopping twice is harmless
    assert.equal(server.pid, -1);
  });

  it('says how to install nats-server when the binary is missing', async () => {
    const tmp = await tempDir('server-missing');
    try {
      await assert.rejects(
        NatsServerProcess.start({ storeDir: join(tmp.dir, 'store'), binary: join(tmp.dir, 'no-such-nats-server') }),
        (e: unknown) => e instanceof NatsNotInstalledError && /apt-get install nats-server/.test(e.message),
      );
    } finally {
      await tmp.cleanup();
    }
  });
});
