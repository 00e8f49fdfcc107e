import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalApiServer, type LocalApiServerOptions, startLocalApiServer } from '@netledger/kube-apiserver';

/** A server in its own temp dir; `close` stops it and removes the dir. */
export interface TestServer {
  readonly server: LocalApiServer;
  readonly dataDir: string;
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<ApiResponse>;
  /** Stops the server but keeps the directory (for restart tests). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export interface ApiResponse {
  readonly status: number;
  // Tests poke at arbitrary JSON; typing every shape would obscure what they check.
  readonly body: any;
}

export async function startTestServer(options: Partial<LocalApiServerOptions> = {}, dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'netledger-kas-'));
  const server = await startLocalApiServer({ ...options, dataDir: dir });
  return {
    server,
    dataDir: dir,
    call: (method, path, body, contentType) => call(server.url, method, path, body, contentType),
    stop: () => server.stop(),
    close: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function call(base: string, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiResponse> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': contentType },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain text answers (healthz) stay strings
  }
  return { status: res.status, body: parsed };
}

export interface WatchEventJson {
  readonly type: string;
  readonly object: any;
}

/** An open watch: read events one by one; `done` resolves when the server ends the stream. */
export interface OpenWatch {
  next(timeoutMs?: number): Promise<WatchEventJson>;
  /** Reads until `count` events matching `keep` arrived. */
  collect(count: number, keep?: (e: WatchEventJson) => boolean, timeoutMs?: number): Promise<WatchEventJson[]>;
  readonly ended: Promise<void>;
  close(): void;
}

export async function openWatch(base: string, path: string): Promise<OpenWatch> {
  const controller = new AbortController();
  const res = await fetch(`${base}${path}`, { signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`watch ${path}: HTTP ${res.status}: ${await res.text()}`);
  const queue: WatchEventJson[] = [];
  let waiter: (() => void) | undefined;
  let finished = false;
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.trim() !== '') queue.push(JSON.parse(line) as WatchEventJson);
          waiter?.();
        }
      }
    } catch {
      // aborted by close()
    } finally {
      finished = true;
      waiter?.();
    }
  })();
  const next = async (timeoutMs = 15_000): Promise<WatchEventJson> => {
    const deadline = Date.now() + timeoutMs;
    while (queue.length === 0) {
      if (finished) throw new Error(`watch ${path}: stream ended`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`watch ${path}: no event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      waiter = undefined;
    }
    return queue.shift() as WatchEventJson;
  };
  return {
    next,
    collect: async (count, keep = () => true, timeoutMs = 15_000) => {
      const out: WatchEventJson[] = [];
      while (out.length < count) {
        const e = await next(timeoutMs);
        if (keep(e)) out.push(e);
      }
      return out;
    },
    ended,
    close: () => controller.abort(),
  };
}

export function pod(name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'main', image: 'busybox' }], ...extra },
  };
}

export async function createNamespace(t: TestServer, name: string): Promise<void> {
  const res = await t.call('POST', '/api/v1/namespaces', { metadata: { name } });
  if (res.status !== 201) throw new Error(`create namespace ${name}: ${res.status} ${JSON.stringify(res.body)}`);
}
