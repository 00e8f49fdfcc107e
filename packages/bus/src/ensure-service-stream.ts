import { jetStreamName, serviceSubjects, type ServiceName } from '@netledger/contracts';
import { DiscardPolicy, jetstreamManager, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { StreamProvisionError } from './errors.js';
import { isJetStreamApiError } from './internal/stream-probe.js';

/** Server answer when a stream exists with another configuration. */
const STREAM_NAME_IN_USE = 10058;

/** How long JetStream remembers message ids to drop a republished event. */
export const DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

/**
 * The stream that carries one service's events: every subject of the service, on disk, kept
 * forever (the stream is a replayable copy of the log, so consumers can bootstrap from seq 1).
 */
export function serviceStreamConfig(service: ServiceName): Partial<StreamConfig> & Pick<StreamConfig, 'name'> {
  return {
    name: jetStreamName(service),
    subjects: [serviceSubjects(service)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: 0,
    max_msgs: -1,
    max_bytes: -1,
    max_msgs_per_subject: -1,
    max_msg_size: -1,
    max_consumers: -1,
    num_replicas: 1,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  };
}

/**
 * Creates the service's stream, or brings an existing one back to the expected subjects and
 * duplicate window. Safe to call from every publisher at every start.
 */
export async function ensureServiceStream(nc: NatsConnection, service: ServiceName): Promise<void> {
  const want = serviceStreamConfig(service);
  try {
    const jsm = await jetstreamManager(nc);
    try {
      // Adding a stream with the identical configuration is a no-op on the server.
      await jsm.streams.add(want);
    } catch (e) {
      if (!isJetStreamApiError(e, STREAM_NAME_IN_USE)) throw e;
      await jsm.streams.update(want.name, {
        subjects: want.subjects,
        duplicate_window: want.duplicate_window,
        max_age: want.max_age,
        max_msgs: want.max_msgs,
        max_bytes: want.max_bytes,
      });
    }
  } catch (cause) {
    throw new StreamProvisionError(want.name, `cannot create or update: ${(cause as Error).message}`, { cause });
  }
}
