import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { metricsRegistry } from './metrics/metrics-registry.js';

/** What a component reports about itself. `healthy: false` makes /healthz answer 503. */
export interface ComponentStatus {
  readonly component: string;
  readonly healthy: boolean;
  readonly [key: string]: unknown;
}

/** A read-only query: answers GET `/v1/<name>` with JSON. Throwing a QueryError gives its status code. */
export type QueryHandler = (params: URLSearchParams) => unknown;

/** A query failed for a reason the caller can fix (unknown object, bad parameter). */
export class QueryError extends Error {
  constructor(
    readonly statusCode: 400 | 404,
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export interface StatusServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly status: () => ComponentStatus | Promise<ComponentStatus>;
  /** Extra read-only queries, served at `/v1/<name>`. */
  readonly queries?: Readonly<Record<string, QueryHandler>>;
  /** Served at `GET /metrics`; default: the process's registry (metricsRegistry()). */
  readonly metrics?: Registry;
}

/**
 * A component's HTTP status endpoint: `GET /healthz` (200 ok or 503 with the reason),
 * `GET /status` (JSON) and `GET /metrics` (Prometheus text format). Loopback by default; it
 * exposes no write operation.
 */
export class StatusServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(options: StatusServerOptions): Promise<StatusServer> {
    const queries = options.queries ?? {};
    const metrics = options.metrics ?? metricsRegistry();
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://status');
      const path = url.pathname;
      const query = path.startsWith('/v1/') ? queries[path.slice(4)] : undefined;
      if (req.method === 'GET' && query) {
        Promise.resolve()
          .then(() => query(url.searchParams))
          .then(
            (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
            (e: unknown) => {
              const code = e instanceof QueryError ? e.statusCode : 500;
              res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (e as Error).message ?? String(e) }));
            },
          );
        return;
      }
      if (req.method === 'GET' && path === '/metrics') {
        metrics.metrics().then(
          (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
          (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics: ${(e as Error).message ?? String(e)}\n`),
        );
        return;
      }
      if (req.method !== 'GET' || (path !== '/healthz' && path !== '/status')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `no route ${req.method} ${path}` }));
        return;
      }
      Promise.resolve()
        .then(options.status)
        .then(
          (s) => {
            const code = s.healthy ? 200 : 503;
            const body = path === '/healthz' ? JSON.stringify({ healthy: s.healthy }) : JSON.stringify(s);
            res.writeHead(path === '/healthz' ? code : 200, { 'content-type': 'application/json' }).end(body);
          },
          (e: unknown) => {
            res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ healthy: false, error: String(e) }));
          },
        );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    return new StatusServer(server, `http://${host}:${port}`);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Fetches a component's `/v1/<name>` query; throws with the server's error message on failure. */
export async function fetchQuery<T>(statusUrl: string, name: string, params: Record<string, string> = {}, timeoutMs = 10_000): Promise<T> {
  const qs = new URLSearchParams(params).toString();
  const res = await fetch(`${statusUrl}/v1/${name}${qs ? `?${qs}` : ''}`, { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await res.json()) as unknown;
  if (!res.ok) throw new Error((body as { error?: string }).error ?? `HTTP ${res.status}`);
  return body as T;
}

/** Fetches a component's /status; undefined when it does not answer in time. */
export async function fetchStatus(statusUrl: string, timeoutMs = 2000): Promise<ComponentStatus | undefined> {
  try {
    const res = await fetch(`${statusUrl}/status`, { signal: AbortSignal.timeout(timeoutMs) });
    return (await res.json()) as ComponentStatus;
  } catch {
    return undefined;
  }
}
