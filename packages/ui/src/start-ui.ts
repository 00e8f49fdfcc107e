import { fileURLToPath } from 'node:url';
import { connectBus, type NatsConnection } from '@netledger/bus';
import { removeRunFile, StatusServer, writeRunFile, type Logger } from '@netledger/runtime';
import { kubeClusterObjects } from './cluster/cluster-objects.js';
import { NatsFlowSource } from './flows/nats-flow-source.js';
import { ServiceLogs } from './history/service-logs.js';
import { UiServer } from './http/ui-server.js';
import { fetchPolicies } from './policies/fetch-policies.js';
import { readStackFacts } from './stack/stack-facts.js';
import { UiApi } from './ui-api.js';
import type { UiConfig } from './ui-config.js';

/** The component name of the UI in run files and status. */
export const UI_COMPONENT = 'ui';

/** A running UI process's parts. */
export interface RunningUi {
  /** Where the web app is served. */
  readonly url: string;
  /** Its status endpoint (`/healthz`, `/status`, `/metrics`), as its run file records it. */
  readonly statusUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the UI: its web server at once, NATS in the background (flows answer 503 until it is
 * connected; the map, policies and histories do not need it), the status endpoint and the run
 * file. NATS comes from the config, else the stack file.
 */
export async function startUi(config: UiConfig, logger: Logger): Promise<RunningUi> {
  const startedAt = new Date().toISOString();
  const { dataDir } = config;
  const servers = config.natsServers ?? [readStackFacts(dataDir).natsUrl ?? 'nats://127.0.0.1:4222'];
  let nc: NatsConnection | undefined;
  const flows = new NatsFlowSource({
    connection: () => nc,
    nodes: () => readStackFacts(dataDir).nodes,
    onError: (m) => logger.error(m),
  });
  const logs = new ServiceLogs(dataDir);
  const api = new UiApi({
    flows,
    cluster: kubeClusterObjects(config.kubeconfig),
    logs,
    policies: () => fetchPolicies(dataDir),
    nodes: () => readStackFacts(dataDir).nodes,
    nats: () => natsState(nc),
  });
  const web = await UiServer.start({
    host: config.host,
    port: config.port,
    api,
    flows,
    webDir: fileURLToPath(new URL('./web/', import.meta.url)),
    logger,
  });

  let stopped = false;
  // Not awaited: the app serves while NATS is away (flows answer 503 until it is connected).
  void connectBus({ servers: [...servers], name: 'ui', credentials: config.natsCredentials }).then(
    (c) => {
      if (stopped) return void c.close();
      nc = c;
      flows.connectionReady();
      logger.info(`connected to NATS ${servers.join(',')}`);
    },
    (e: unknown) => logger.error(`NATS ${servers.join(',')}: ${(e as Error).message}`),
  );

  const status = await StatusServer.start({
    host: '127.0.0.1',
    port: 0,
    status: () => ({
      component: UI_COMPONENT,
      kind: UI_COMPONENT,
      healthy: true,
      pid: process.pid,
      startedAt,
      url: web.url,
      nats: natsState(nc),
      natsServers: servers,
      kubeconfig: config.kubeconfig,
      followers: web.followers,
    }),
  });
  writeRunFile(dataDir, { component: UI_COMPONENT, kind: 'ui', pid: process.pid, statusUrl: status.url, startedAt });
  logger.info(`web app ${web.url}, status ${status.url}`);

  return {
    url: web.url,
    statusUrl: status.url,
    stop: async () => {
      stopped = true;
      removeRunFile(dataDir, UI_COMPONENT);
      await web.stop();
      await status.stop();
      await logs.close();
      // A connect still waiting for a server closes itself once it succeeds (stopped is set); a connection is drained.
      await nc?.drain().catch(() => undefined);
    },
  };
}

function natsState(nc: NatsConnection | undefined): 'connecting' | 'connected' | 'closed' {
  return nc === undefined ? 'connecting' : nc.isClosed() ? 'closed' : 'connected';
}
