import { isAbsolute, resolve } from 'node:path';
import { ClusterIpAllocator } from './cluster-ip-allocator.js';

/** Options of `startLocalApiServer`; everything but `dataDir` has a default. */
export interface LocalApiServerOptions {
  /** Directory for `apiserver.db` and `kubeconfig`; created when missing. */
  readonly dataDir: string;
  /** Listen address; loopback by default because the server has no authentication. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** IPv4 CIDR that ClusterIPs come from. */
  readonly serviceCidr?: string;
  /** Inclusive NodePort range. */
  readonly nodePortRange?: readonly [number, number];
  /** How many changes are kept for watches to resume from; older versions get 410 Expired. */
  readonly watchHistory?: number;
  /** How often watches that allow bookmarks get one. */
  readonly bookmarkIntervalMs?: number;
  /** Watch length when the client gives no `timeoutSeconds`. */
  readonly defaultWatchTimeoutSeconds?: number;
  /** Source of creationTimestamp and table ages; tests may pin it. */
  readonly clock?: () => Date;
}

/** The validated, defaulted, frozen form the server runs on. */
export interface LocalApiServerConfig {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly serviceCidr: string;
  readonly nodePortRange: readonly [number, number];
  readonly watchHistory: number;
  readonly bookmarkIntervalMs: number;
  readonly defaultWatchTimeoutSeconds: number;
  readonly clock: () => Date;
}

/** An option is out of range or malformed; `option` names it. */
export class ApiServerConfigError extends Error {
  readonly code = 'APISERVER_CONFIG';
  constructor(
    readonly option: string,
    reason: string,
  ) {
    super(`startLocalApiServer option ${option}: ${reason}`);
    this.name = 'ApiServerConfigError';
  }
}

export function resolveConfig(options: LocalApiServerOptions): LocalApiServerConfig {
  if (typeof options.dataDir !== 'string' || options.dataDir === '') throw new ApiServerConfigError('dataDir', 'is required');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ApiServerConfigError('port', `${port} is not a TCP port`);
  const serviceCidr = options.serviceCidr ?? '10.96.0.0/12';
  try {
    ClusterIpAllocator.fromCidr(serviceCidr);
  } catch (cause) {
    throw new ApiServerConfigError('serviceCidr', (cause as Error).message);
  }
  const range = options.nodePortRange ?? [30000, 32767];
  const [first, last] = range;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last > 65535 || first > last) {
    throw new ApiServerConfigError('nodePortRange', `[${first}, ${last}] must satisfy 1 <= first <= last <= 65535`);
  }
  const watchHistory = options.watchHistory ?? 10000;
  if (!Number.isInteger(watchHistory) || watchHistory < 1) throw new ApiServerConfigError('watchHistory', `${watchHistory} must be a positive integer`);
  const bookmarkIntervalMs = options.bookmarkIntervalMs ?? 60_000;
  if (!(bookmarkIntervalMs >= 10)) throw new ApiServerConfigError('bookmarkIntervalMs', `${bookmarkIntervalMs} must be at least 10`);
  const defaultWatchTimeoutSeconds = options.defaultWatchTimeoutSeconds ?? 1800;
  if (!(defaultWatchTimeoutSeconds > 0)) throw new ApiServerConfigError('defaultWatchTimeoutSeconds', 'must be positive');
  return Object.freeze({
    dataDir: isAbsolute(options.dataDir) ? options.dataDir : resolve(options.dataDir),
    host: options.host ?? '127.0.0.1',
    port,
    serviceCidr,
    nodePortRange: Object.freeze([first, last] as const),
    watchHistory,
    bookmarkIntervalMs,
    defaultWatchTimeoutSeconds,
    clock: options.clock ?? (() => new Date()),
  });
}
