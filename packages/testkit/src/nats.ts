import { join } from 'node:path';
import { connectBus, NatsServerProcess, type NatsConnection } from '@netledger/bus';
import { createTempDir } from './temp-dir.js';

/** A nats-server with JetStream for one test file (or one test), in a temp dir on free ports. */
export interface TestNats {
  readonly server: NatsServerProcess;
  /** nats://127.0.0.1:<port> */
  readonly url: string;
  /** Directory holding the JetStream store (and anything else the test wants to put there). */
  readonly dir: string;
  /** Connects a client; `stop()` closes it. */
  connect(name?: string): Promise<NatsConnection>;
  /** Closes the clients, stops the server and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a throwaway nats-server for tests. Call `stop()` in an `after` hook; a process exit
 * also kills servers still running. Throws NatsNotInstalledError (from @netledger/bus) with
 * the apt-get line when nats-server is missing.
 */
export async function startNats(options: { readonly prefix?: string } = {}): Promise<TestNats> {
  const tmp = await createTempDir(options.prefix ?? 'netledger-nats');
  let server: NatsServerProcess;
  try {
    server = await NatsServerProcess.start({ storeDir: join(tmp.path, 'store') });
  } catch (e) {
    await tmp.remove();
    throw e;
  }
  const clients: NatsConnection[] = [];
  return {
    server,
    url: server.url,
    dir: tmp.path,
    async connect(name = 'test') {
      const nc = await connectBus({ servers: server.url, name });
      clients.push(nc);
      return nc;
    },
    async stop() {
      await Promise.all(clients.splice(0).map((nc) => nc.close().catch(() => undefined)));
      await server.stop();
      await tmp.remove();
    },
  };
}
