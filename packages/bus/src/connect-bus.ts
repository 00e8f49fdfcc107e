import { connect, type NatsConnection } from '@nats-io/transport-node';

/** Where and as whom to connect. */
export interface BusConnectOptions {
  /** One or more `nats://host:port` URLs. */
  servers: string | string[];
  /** Client name shown in the server's monitoring pages, e.g. "policy-relay". */
  name: string;
}

// A restarted local nats-server is back within a second; the client default (2 s) would
// make every outage look twice as long.
const RECONNECT_WAIT_MS = 250;

/**
 * Connects to NATS and never gives up: the first connect waits for a server, and a lost
 * connection reconnects forever. Publishers and consumers ride out outages instead of dying.
 */
export function connectBus(options: BusConnectOptions): Promise<NatsConnection> {
  return connect({
    servers: options.servers,
    name: options.name,
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
    reconnectTimeWait: RECONNECT_WAIT_MS,
    reconnectJitter: 100,
  });
}
