export { DataDir, DEFAULT_DATA_DIR } from './data-dir.js';
export { ConfigError } from './config-error.js';
export {
  parseServiceArgs,
  parseAgentArgs,
  defaultPinDir,
  parseNatsCredentialsFlag,
  DEFAULT_CNI_STATE_DIR,
  type DatapathMode,
  PROCESS_FLAGS_HELP,
  type ProcessConfig,
  type ServiceConfig,
  type AgentConfig,
} from './process-config.js';
export { parseStorage, openEventLog, describeStorage, type StorageConfig } from './storage-config.js';
export { writeRunFile, removeRunFile, readRunFiles, isAlive, type RunInfo } from './run-files.js';
export {
  StatusServer,
  fetchStatus,
  fetchQuery,
  QueryError,
  type ComponentStatus,
  type StatusServerOptions,
  type QueryHandler,
} from './status-server.js';
export { onShutdown } from './shutdown.js';
export { notifyingEventLog } from './notifying-event-log.js';
export {
  runService,
  consoleLogger,
  type ServiceContext,
  type ServiceDomain,
  type RunningService,
  type Logger,
} from './service-host.js';
export { startRelayThread, type RelayHandle, type RelayThreadOptions } from './relay-thread.js';
export {
  metricsRegistry,
  processCounter,
  processGauge,
  processHistogram,
  MetricConflictError,
} from './metrics/metrics-registry.js';
export type { MetricSpec, HistogramSpec } from './metrics/metric-spec.js';
// The metric types callers hold, so they need no dependency of their own on prom-client.
export type { Counter, Gauge, Histogram, Registry } from 'prom-client';
export { addGaugeSource, type GaugeSample, type GaugeSource } from './metrics/gauge-source.js';
export {
  EVENTS_APPENDED,
  OUTBOX_BACKLOG,
  CONSUMER_LAG_EVENTS,
  CONSUMER_LAG_SECONDS,
  RUNTIME_METRICS,
} from './metrics/runtime-metric-specs.js';
