import type { NatsCredentials } from '@netledger/contracts';
import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { rememberInboxPrefix } from './reply-inbox.js';

/** Where and as whom to connect. */
export interface BusConnectOptions {
  /** One or more `nats://host:port` URLs. */
  servers: string | string[];
  /** Client name shown in the server's monitoring pages, e.g. "policy-relay". */
  name: string;
  /** Who to connect as (docs/security.md); absent for a server without authorization. */
  credentials?: NatsCredentials | undefined;
}

// A restarted local nats-server is back within a second; the client default (2 s) would
// make every outage look twice as long.
const RECONNECT_WAIT_MS = 250;

/**
 * Connects to NATS and never gives up: the first connect waits for a server, and a lost
 * connection reconnects forever. Publishers and consumers ride out outages instead of dying.
 */
export async function connectBus(options: BusConnectOptions): Promise<NatsConnection> {
  const creds = options.credentials;
  const nc = await connect({
    servers: options.servers,
    name: options.name,
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
    reconnectTimeWait: RECONNECT_WAIT_MS,
    reconnectJitter: 100,
    ...(creds ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(creds.nkeySeed)), inboxPrefix: creds.inboxPrefix } : {}),
  });
  if (creds) rememberInboxPrefix(nc, creds.inboxPrefix);
  return nc;
}
