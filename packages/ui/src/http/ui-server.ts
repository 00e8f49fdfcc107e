import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@netledger/runtime';
import type { FlowSource } from '../flows/flow-source.js';
import type { UiApi } from '../ui-api.js';
import { ApiError } from './api-error.js';
import { streamFlows } from './stream-flows.js';
import { StaticFiles } from './static-files.js';

export interface UiServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly api: UiApi;
  /** Live flows for `/api/flows/stream`. */
  readonly flows: FlowSource;
  /** Directory of the web app (index.html, its modules and styles). */
  readonly webDir: string;
  readonly logger: Logger;
}

/**
 * The UI's HTTP server: the single-page app and its read-only API (`/api/flows`,
 * `/api/flows/stream`, `/api/servicemap`, `/api/policies`, `/api/history`, `/api/info`).
 * Errors are JSON `{error}` with the ApiError's status, else 500.
 */
export class UiServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    /** Stops each open flow stream. */
    private readonly streams: Set<() => void>,
  ) {}

  static async start(options: UiServerOptions): Promise<UiServer> {
    const files = new StaticFiles(options.webDir);
    const streams = new Set<() => void>();
    const server = createServer((req, res) => {
      handle(req, res).catch((e: unknown) => {
        const code = e instanceof ApiError ? e.statusCode : 500;
        if (code === 500) options.logger.error(`${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`);
        if (!res.headersSent) json(res, code, { error: (e as Error).message ?? String(e) });
        else res.end();
      });
    });

    const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const url = new URL(req.url ?? '/', 'http://ui');
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError(400, `${req.method} ${url.pathname}: the UI is read-only (GET only)`);
      const { api } = options;
      switch (url.pathname) {
        case '/api/flows':
          return json(res, 200, await api.flows(url.searchParams));
        case '/api/flows/stream': {
          const { filter } = api.flowRequest(url.searchParams);
          const stop = streamFlows(res, options.flows, filter);
          streams.add(stop);
          res.once('close', () => streams.delete(stop));
          return;
        }
        case '/api/servicemap':
          return json(res, 200, await api.serviceMap(url.searchParams));
        case '/api/policies':
          return json(res, 200, await api.policies());
        case '/api/history':
          return json(res, 200, await api.history(url.searchParams));
        case '/api/info':
          return json(res, 200, api.info());
      }
      if (url.pathname.startsWith('/api/')) return json(res, 404, { error: `no API ${url.pathname}` });
      const file = await files.read(url.pathname);
      if (!file) return json(res, 404, { error: `no page ${url.pathname}` });
      res.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-cache' }).end(file.body);
    };

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    return new UiServer(server, `http://${host}:${port}`, streams);
  }

  /** Browsers following the live flows. */
  get followers(): number {
    return this.streams.size;
  }

  async stop(): Promise<void> {
    for (const stop of this.streams) stop();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-cache' }).end(JSON.stringify(body));
}
