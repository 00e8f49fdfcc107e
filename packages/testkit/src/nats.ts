import { join } from 'node:path';
import {
  connectBus,
  NatsServerProcess,
  provisionNatsCredentials,
  readNatsCredentials,
  stackNatsUsers,
  type NatsConnection,
} from '@netledger/bus';
import { createTempDir } from './temp-dir.js';

/** A nats-server with JetStream for one test file (or one test), in a temp dir on free ports. */
export interface TestNats {
  readonly server: NatsServerProcess;
  /** nats://127.0.0.1:<port> */
  readonly url: string;
  /** Directory holding the JetStream store (and anything else the test wants to put there). */
  readonly dir: string;
  /** Connects a client (as `user` when the server has authorization; admin by default); `stop()` closes it. */
  connect(name?: string, user?: string): Promise<NatsConnection>;
  /** The credentials file of a user (only with `auth`). */
  credentialsFile(user: string): string;
  /** Closes the clients, stops the server and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartNatsOptions {
  readonly prefix?: string;
  /**
   * Turn on authorization with the local stack's users (services, `agent-<node>` per node,
   * observer, subscriber, admin), as `netledger up` does.
   */
  readonly auth?: { readonly nodes: readonly string[] };
}

/**
 * Starts a throwaway nats-server for tests. Call `stop()` in an `after` hook; a process exit
 * also kills servers still running. Throws NatsNotInstalledError (from @netledger/bus) with
 * the apt-get line when nats-server is missing.
 */
export async function startNats(options: StartNatsOptions = {}): Promise<TestNats> {
  const tmp = await createTempDir(options.prefix ?? 'netledger-nats');
  const storeDir = join(tmp.path, 'store');
  const creds = options.auth
    ? provisionNatsCredentials({ dir: join(tmp.path, 'credentials'), users: stackNatsUsers(options.auth.nodes), serverConfigFile: join(tmp.path, 'nats-server.conf'), jetStreamStoreDir: storeDir })
    : undefined;
  let server: NatsServerProcess;
  try {
    server = await NatsServerProcess.start({ storeDir, ...(creds ? { configFile: creds.serverConfigFile } : {}) });
  } catch (e) {
    await tmp.remove();
    throw e;
  }
  const credentialsFile = (user: string): string => {
    const file = creds?.files.get(user);
    if (file === undefined) throw new Error(`test nats-server has no credentials for user ${user}${creds ? '' : ' (started without auth)'}`);
    return file;
  };
  const clients: NatsConnection[] = [];
  return {
    server,
    url: server.url,
    dir: tmp.path,
    credentialsFile,
    async connect(name = 'test', user = 'admin') {
      const credentials = creds ? readNatsCredentials(credentialsFile(user)) : undefined;
      const nc = await connectBus({ servers: server.url, name, credentials });
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
