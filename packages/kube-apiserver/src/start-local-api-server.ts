import { mkdirSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { bootstrapCluster } from './bootstrap.js';
import { ClusterIpAllocator } from './cluster-ip-allocator.js';
import { type LocalApiServerOptions, resolveConfig } from './config.js';
import { writeKubeconfig } from './kubeconfig.js';
import { NodePortAllocator } from './node-port-allocator.js';
import { ObjectStore } from './object-store.js';
import { ResourceOperations } from './resource-operations.js';
import { SERVICES } from './resources.js';
import { createRouter } from './router.js';
import { restoreServiceAddresses } from './service-addressing.js';
import { SqliteStatePersistence } from './sqlite-state-persistence.js';
import { WatchStreams } from './watch-stream.js';

/** A running local API server. */
export interface LocalApiServer {
  /** `http://<host>:<port>` */
  readonly url: string;
  readonly port: number;
  /** `<dataDir>/kubeconfig`, pointing at `url`. */
  readonly kubeconfigPath: string;
  /** Ends watches, closes connections and the database. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a Kubernetes-compatible API server over plain HTTP with state in `<dataDir>/apiserver.db`.
 * A restart on the same directory keeps objects, address allocations and the resourceVersion
 * counter, so informers resume (or relist on 410) exactly as against a real cluster.
 */
export async function startLocalApiServer(options: LocalApiServerOptions): Promise<LocalApiServer> {
  const config = resolveConfig(options);
  mkdirSync(config.dataDir, { recursive: true });
  const store = new ObjectStore(SqliteStatePersistence.open(join(config.dataDir, 'apiserver.db')), config.watchHistory);
  const allocators = {
    clusterIps: ClusterIpAllocator.fromCidr(config.serviceCidr),
    nodePorts: new NodePortAllocator(config.nodePortRange),
  };
  for (const service of store.list(SERVICES.key)) restoreServiceAddresses(service, allocators);
  const operations = new ResourceOperations(store, allocators, config.clock);
  const watches = new WatchStreams(store, config.bookmarkIntervalMs);

  let address = `${config.host}:${config.port}`;
  const server = createServer(
    createRouter({
      operations,
      watches,
      clock: config.clock,
      defaultWatchTimeoutSeconds: config.defaultWatchTimeoutSeconds,
      serverAddress: () => address,
    }),
  );
  try {
    await listen(server, config.host, config.port);
  } catch (cause) {
    store.close();
    throw cause;
  }
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  address = `${host}:${port}`;
  const url = `http://${address}`;
  const kubeconfigPath = join(config.dataDir, 'kubeconfig');
  try {
    bootstrapCluster(operations, allocators.clusterIps.firstUsable, port);
    writeKubeconfig(kubeconfigPath, url);
  } catch (cause) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    store.close();
    throw cause;
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    kubeconfigPath,
    stop: () => {
      stopping ??= (async () => {
        watches.closeAll();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        store.close();
      })();
      return stopping;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
