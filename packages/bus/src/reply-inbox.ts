import { nuid, type NatsConnection } from '@nats-io/transport-node';

// The inbox prefix each connection was opened with. A user may only subscribe to its own
// prefix, so every private reply subject must be made from it, not from the default `_INBOX`.
const prefixes = new WeakMap<NatsConnection, string>();

export function rememberInboxPrefix(nc: NatsConnection, prefix: string): void {
  prefixes.set(nc, prefix);
}

/** A fresh private reply subject for `nc`, e.g. `_INBOX_ABCD.flows.<nuid>`; `label` is for people reading the server's traces. */
export function replyInbox(nc: NatsConnection, label?: string): string {
  const prefix = prefixes.get(nc) ?? '_INBOX';
  return label === undefined ? `${prefix}.${nuid.next()}` : `${prefix}.${label}.${nuid.next()}`;
}
