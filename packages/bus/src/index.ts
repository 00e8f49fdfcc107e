export { NatsServerProcess, type NatsServerOptions } from './nats-server-process.js';
export { connectBus, type BusConnectOptions } from './connect-bus.js';
export { ensureServiceStream, serviceStreamConfig, DUPLICATE_WINDOW_MS } from './ensure-service-stream.js';
export { OutboxRelay, type OutboxRelayOptions, type RelayStats } from './outbox-relay.js';
export type { CursorStore } from './cursor-store.js';
export { FileCursorStore } from './file-cursor-store.js';
export { MemoryCursorStore } from './memory-cursor-store.js';
export type { EventHandler } from './event-handler.js';
export { EventConsumer, type EventConsumerOptions, type ConsumerStatus } from './event-consumer.js';
export { runningConsumers, type RunningConsumer } from './running-consumers.js';
export {
  BusError,
  NatsNotInstalledError,
  NatsServerStartError,
  StreamProvisionError,
  StreamDivergedError,
  RelayPublishError,
  MalformedMessageError,
  CursorStoreError,
  BusDisconnectedError,
  isBusError,
} from './errors.js';
export type { NatsConnection } from '@nats-io/transport-node';
export { replyInbox } from './reply-inbox.js';
export { natsPermissions, NatsGrantError, type NatsPermissions, type NatsUserGrant } from './security/nats-permissions.js';
export { natsServerConfig, type NatsServerUser, type NatsServerConfigOptions } from './security/nats-auth-config.js';
export { provisionNatsCredentials, stackNatsUsers, credentialsIn, removeNatsCredentials, type NatsUserSpec, type ProvisionOptions, type ProvisionedCredentials } from './security/provision-credentials.js';
export { readNatsCredentials } from './security/read-credentials.js';
