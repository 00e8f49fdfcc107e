import type { NatsCredentials, ServiceName } from '@netledger/contracts';
import type { RelayStats } from '@netledger/bus';
import type { StorageConfig } from './storage-config.js';

/** What the relay thread is started with (structured-clone safe). */
export interface RelayThreadData {
  readonly storage: StorageConfig;
  readonly service: ServiceName;
  readonly natsServers: readonly string[];
  readonly natsCredentials?: NatsCredentials | undefined;
  readonly batchSize?: number;
}

/** Messages to the relay thread. */
export type ToRelayThread =
  | { readonly kind: 'notify' }
  | { readonly kind: 'drain'; readonly id: number; readonly timeoutMs: number }
  | { readonly kind: 'stop' };

/** Messages from the relay thread. */
export type FromRelayThread =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'stats'; readonly stats: RelayStats }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'drained'; readonly id: number; readonly ok: boolean }
  /** Everything up to `upToSeq` is in the stream: the main thread records it in the log. */
  | { readonly kind: 'published'; readonly upToSeq: number }
  | { readonly kind: 'stopped' };
