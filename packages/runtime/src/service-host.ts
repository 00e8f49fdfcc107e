import type { EventRegistry } from '@netledger/contracts';
import type { EventLog } from '@netledger/eventlog';
import type { ClusterSources } from '@netledger/k8s';
import { serviceMetrics } from './metrics/service-metrics.js';
import { notifyingEventLog } from './notifying-event-log.js';
import { startRelayThread } from './relay-thread.js';
import type { ServiceConfig } from './process-config.js';
import { removeRunFile, writeRunFile } from './run-files.js';
import { StatusServer, type ComponentStatus, type QueryHandler } from './status-server.js';
import { describeStorage, openEventLog } from './storage-config.js';

/** What a service's domain gets from its host. */
export interface ServiceContext {
  readonly config: ServiceConfig;
  /** The service's own log; appends wake the relay. */
  readonly log: EventLog;
  /** The Kubernetes objects the service may watch (informers, or in-memory in tests). */
  readonly sources: ClusterSources;
  readonly logger: Logger;
}

/** A service's decision-making part. The host owns storage, publishing and status around it. */
export interface ServiceDomain {
  start(context: ServiceContext): Promise<void>;
  stop(): Promise<void>;
  /** Extra fields for `/status`; `healthy: false` marks the service unhealthy. */
  status?(): Record<string, unknown> & { healthy?: boolean };
  /** Read-only queries served at `/v1/<name>` next to `/status` (e.g. `identities`). */
  queries?(): Readonly<Record<string, QueryHandler>>;
}

export interface Logger {
  info(msg: string): void;
  error(msg: string): void;
}

export interface RunningService {
  readonly statusUrl: string;
  stop(): Promise<void>;
}

/**
 * Composition shared by the three services: open the log, run the outbox relay on its own
 * thread (it connects to NATS and provisions the service's stream), serve status, start the domain.
 * Stopping reverses it and gives the relay a bounded time to publish what is pending, so a
 * clean stop leaves nothing unpublished when NATS is up (and nothing lost when it is not:
 * the outbox keeps it for the next start).
 */
export async function runService(
  config: ServiceConfig,
  registry: EventRegistry,
  domain: ServiceDomain,
  sources: ClusterSources,
  logger: Logger,
): Promise<RunningService> {
  const rawLog = await openEventLog(config.storage, config.service, registry);
  const relay = await startRelayThread({
    storage: config.storage,
    service: config.service,
    log: rawLog,
    natsServers: config.natsServers,
    natsCredentials: config.natsCredentials,
    onError: (message) => logger.error(`relay: ${message}`),
  }).catch(async (e: unknown) => {
    await rawLog.close();
    throw e;
  });
  const metrics = serviceMetrics(config.service, rawLog);
  const log = notifyingEventLog(rawLog, (appended) => {
    relay.notify();
    metrics.appended(appended);
  });
  const startedAt = new Date().toISOString();

  const status = async (): Promise<ComponentStatus> => {
    const head = await rawLog.head();
    const extra = domain.status?.() ?? {};
    const relayStats = relay.stats();
    return {
      component: config.service,
      kind: 'service',
      healthy: extra.healthy ?? true,
      pid: process.pid,
      startedAt,
      storage: describeStorage(config.storage),
      log: head,
      relay: relayStats,
      ...extra,
    };
  };
  const server = await StatusServer.start({ host: config.statusHost, port: config.statusPort, status, queries: domain.queries?.() ?? {} });
  await domain.start({ config, log, sources, logger });
  writeRunFile(config.dataDir, { component: config.service, kind: 'service', pid: process.pid, statusUrl: server.url, startedAt });
  logger.info(`${config.service} service: log ${describeStorage(config.storage)}, status ${server.url}, nats ${config.natsServers.join(',')}`);

  let stopped = false;
  return {
    statusUrl: server.url,
    async stop() {
      if (stopped) return;
      stopped = true;
      removeRunFile(config.dataDir, config.service);
      await domain.stop();
      const drained = await relay.drain(5000);
      if (!drained) logger.error(`${config.service}: stopping with unpublished events in the outbox; they are published at the next start`);
      await relay.stop();
      await server.stop();
      metrics.stop();
      await rawLog.close();
    },
  };
}

/** Logger writing timestamped lines to stderr (captured in the stack's log files). */
export function consoleLogger(component: string): Logger {
  const line = (level: string, msg: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${level} ${component}: ${msg}\n`);
  };
  return { info: (m) => line('INFO', m), error: (m) => line('ERROR', m) };
}
