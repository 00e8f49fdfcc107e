export { connectNetledger, type ConnectOptions, type NetledgerClient } from './connect-netledger.js';
export type { Subscription } from './subscription.js';
export type { SubscribeOptions, StartPoint, Position } from './subscribe-options.js';
export type { NetledgerEvent, NetledgerEventType } from './netledger-event.js';
export {
  NetledgerClientError,
  ClientOptionsError,
  ClientConnectError,
  MalformedEventError,
  DeliveryError,
  EventsMissingError,
  isNetledgerClientError,
} from './errors.js';
export type { NatsCredentials, ServiceName } from '@netledger/contracts';
