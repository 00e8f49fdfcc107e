// Shared pieces of the k8s tests: a local API server in a temp dir, a TCP proxy that can cut
// the informers off, a raw HTTP caller, and a polling wait.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalApiServer, type LocalApiServerOptions, renderKubeconfig, startLocalApiServer } from '@netledger/kube-apiserver';

export interface TestApi {
  readonly dir: string;
  server: LocalApiServer;
  /** Stops and starts the server on the same directory and port. */
  restart(): Promise<void>;
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startApi(options: Partial<LocalApiServerOptions> = {}): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'netledger-k8s-'));
  let server = await startLocalApiServer({ ...options, dataDir: dir });
  const api: TestApi = {
    dir,
    get server() {
      return server;
    },
    set server(s) {
      server = s;
    },
    async restart() {
      await server.stop();
      server = await startLocalApiServer({ ...options, dataDir: dir, port: server.port });
    },
    async call(method, path, body, contentType = 'application/json') {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': contentType },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return api;
}

/** Creates an object through the raw API and fails loudly if the server refuses. */
export async function create(api: TestApi, path: string, body: unknown): Promise<any> {
  const res = await api.call('POST', path, body);
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export function pod(name: string, namespace: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'main', image: 'busybox' }] } };
}

/**
 * A TCP proxy in front of the API server; `block()` cuts every connection and refuses new ones.
 * It also notes the request lines it forwards and counts watch bookmarks coming back.
 */
export interface BlockingProxy {
  readonly kubeconfigPath: string;
  /** `GET /api/v1/pods?limit=500…` for every request passed on, in order. */
  readonly requests: string[];
  bookmarks(): number;
  /** Client connections accepted so far. */
  connections(): number;
  block(): void;
  unblock(): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number, dir: string): Promise<BlockingProxy> {
  let blocked = false;
  let bookmarks = 0;
  let connections = 0;
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const track = (s: Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server: Server = createServer((client) => {
    connections++;
    track(client);
    if (blocked) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    track(upstream);
    client.on('data', (chunk: Buffer) => {
      for (const m of chunk.toString('latin1').matchAll(/^(GET|POST|PUT|PATCH|DELETE) (\S+) HTTP/gm)) requests.push(`${m[1]} ${m[2]}`);
    });
    upstream.on('data', (chunk: Buffer) => {
      bookmarks += chunk.toString('latin1').split('"type":"BOOKMARK"').length - 1;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const kubeconfigPath = join(dir, 'proxy-kubeconfig');
  writeFileSync(kubeconfigPath, renderKubeconfig(`http://127.0.0.1:${port}`));
  return {
    kubeconfigPath,
    requests,
    bookmarks: () => bookmarks,
    connections: () => connections,
    block() {
      blocked = true;
      for (const s of sockets) s.destroy();
    },
    unblock() {
      blocked = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Polls `predicate` until it holds; the timeout only guards against a hang. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A logger that keeps its lines for assertions. */
export function memoryLogger(): { info(m: string): void; error(m: string): void; lines: string[] } {
  const lines: string[] = [];
  return { info: (m) => lines.push(`INFO ${m}`), error: (m) => lines.push(`ERROR ${m}`), lines };
}
