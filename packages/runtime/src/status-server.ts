import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a component reports about itself. `healthy: false` makes /healthz answer 503. */
export interface ComponentStatus {
  readonly component: string;
  readonly healthy: boolean;
  readonly [key: string]: unknown;
}

export interface StatusServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly status: () => ComponentStatus | Promise<ComponentStatus>;
}

/**
 * A component's HTTP status endpoint: `GET /healthz` (200 ok or 503 with the reason) and
 * `GET /status` (JSON). Loopback by default; it exposes no write operation.
 */
export class StatusServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(options: StatusServerOptions): Promise<StatusServer> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
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

/** Fetches a component's /status; undefined when it does not answer in time. */
export async function fetchStatus(statusUrl: string, timeoutMs = 2000): Promise<ComponentStatus | undefined> {
  try {
    const res = await fetch(`${statusUrl}/status`, { signal: AbortSignal.timeout(timeoutMs) });
    return (await res.json()) as ComponentStatus;
  } catch {
    return undefined;
  }
}
