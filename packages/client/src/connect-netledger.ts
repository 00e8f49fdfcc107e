import { readFile } from 'node:fs/promises';
import {
  NatsCredentialsError,
  createNetledgerRegistry,
  parseNatsCredentials,
  type NatsCredentials,
  type ServiceName,
} from '@netledger/contracts';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { ClientConnectError, ClientOptionsError, messageOf } from './errors.js';
import { planSubscription } from './internal/subscription-plan.js';
import type { NetledgerEvent, NetledgerEventType } from './netledger-event.js';
import type { SubscribeOptions } from './subscribe-options.js';
import { openSubscription, type Subscription } from './subscription.js';

export interface ConnectOptions {
  /** One or more `nats://host:port` URLs. */
  readonly servers: string | readonly string[];
  /** A netledger credentials file (path or its parsed content); absent for a server without authorization. */
  readonly credentials?: string | NatsCredentials;
  /** Client name shown in the server's monitoring pages. */
  readonly name?: string;
}

/** A connection to netledger's event streams. */
export interface NetledgerClient {
  /**
   * Starts delivering events of `options.services`. The returned subscription is iterated
   * with `for await`; each event is typed by its `type`. Throws ClientOptionsError for an
   * option that cannot work (naming the option).
   */
  subscribe<S extends ServiceName, T extends NetledgerEventType<S> = NetledgerEventType<S>>(
    options: SubscribeOptions<S, T>,
  ): Subscription<Extract<NetledgerEvent<S>, { readonly type: T }>>;
  /** Closes every subscription, then the connection. */
  close(): Promise<void>;
}

// A restarted server is usually back within a second; the client default (2 s) would make
// every outage look twice as long.
const RECONNECT_WAIT_MS = 250;

/**
 * Connects to NATS (as the credentials' user, with its private inbox prefix, which the
 * server requires for JetStream API replies). The first connect fails fast with
 * ClientConnectError; a connection lost later is retried forever and subscriptions resume.
 */
export async function connectNetledger(options: ConnectOptions): Promise<NetledgerClient> {
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  if (servers.length === 0) throw new ClientOptionsError('connect.servers', 'list at least one nats:// URL');
  const creds = typeof options.credentials === 'string' ? await readCredentials(options.credentials) : options.credentials;
  const natsOptions: ConnectionOptions = {
    servers,
    name: options.name ?? 'netledger-client',
    maxReconnectAttempts: -1,
    reconnectTimeWait: RECONNECT_WAIT_MS,
    reconnectJitter: 100,
    ...(creds ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(creds.nkeySeed)), inboxPrefix: creds.inboxPrefix } : {}),
  };
  let nc: NatsConnection;
  try {
    nc = await connect(natsOptions);
  } catch (cause) {
    throw new ClientConnectError(servers, { cause });
  }
  // checkAPI false: no `$JS.API.INFO` round trip, which a subscriber does not need.
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  return new Client(nc, jetstream(nc, { checkAPI: false }), jsm);
}

async function readCredentials(file: string): Promise<NatsCredentials> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new NatsCredentialsError(file, '', `cannot read: ${messageOf(e)}`);
  }
  return parseNatsCredentials(text, file);
}

class Client implements NetledgerClient {
  private readonly registry = createNetledgerRegistry();
  private readonly subscriptions = new Set<Subscription<unknown>>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {}

  subscribe<S extends ServiceName, T extends NetledgerEventType<S> = NetledgerEventType<S>>(
    options: SubscribeOptions<S, T>,
  ): Subscription<Extract<NetledgerEvent<S>, { readonly type: T }>> {
    if (this.nc.isClosed()) throw new ClientOptionsError('subscribe', 'the client is closed');
    const plans = planSubscription(options as SubscribeOptions, this.registry);
    const subscription = openSubscription<Extract<NetledgerEvent<S>, { readonly type: T }>>(
      plans,
      options,
      { nc: this.nc, js: this.js, jsm: this.jsm, registry: this.registry },
      (s) => this.subscriptions.delete(s),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    if (!this.nc.isClosed()) await this.nc.close();
  }
}
