import type { NatsConnection, QueuedIterator, Status } from '@nats-io/transport-node';

/**
 * Calls `onStatus` for each connection status change until the returned function is called.
 * The iterator from `nc.status()` only ends when stopped, so forgetting to stop it leaks a listener.
 */
export function watchConnection(nc: NatsConnection, onStatus: (status: Status) => void): () => void {
  // The client returns a QueuedIterator; the declared type hides its stop().
  const statuses = nc.status() as QueuedIterator<Status>;
  void (async () => {
    for await (const s of statuses) onStatus(s);
  })().catch(() => {
    // The iterator only throws when the connection dies, which the close status already reported.
  });
  return () => statuses.stop();
}
