import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import fetch, { type RequestInit } from 'node-fetch';
import { KubeApiError, KubeConfigError, KubeConnectionError } from './kube-errors.js';

/** Options of one API request. */
export interface KubeRequest {
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly accept?: string;
  readonly signal?: AbortSignal;
}

/** Options of a KubeHttp. */
export interface KubeHttpOptions {
  /** Per request (default 30 s). */
  readonly timeoutMs?: number;
  /**
   * Reuse connections across requests (one keep-alive agent, closed by `close()`). client-node
   * makes a new agent, so a new connection and TLS handshake, for every request; writers
   * sending many small requests (the controllers) want to keep theirs.
   */
  readonly keepAlive?: boolean;
}

/**
 * Plain JSON requests to the API server of a kubeconfig, with its TLS and credentials
 * (client-node's `applyToFetchOptions`, asked per request so refreshed tokens are used). Used
 * instead of the generated typed clients so that objects arrive exactly as the server sent
 * them, the same shape a watch delivers.
 */
export class KubeHttp {
  readonly server: string;
  private readonly timeoutMs: number;
  private readonly keepAlive: boolean;
  private agent: HttpAgent | undefined;

  constructor(
    private readonly kc: KubeConfig,
    options: KubeHttpOptions = {},
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KubeConfigError('given', 'has no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.keepAlive = options.keepAlive ?? false;
  }

  /** Closes the kept-alive connections; later requests open new ones. */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  /** Sends one request; a 2xx answer's JSON body is returned, anything else throws. */
  async request<T>(method: string, path: string, options: KubeRequest = {}): Promise<T> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const init: RequestInit = await this.kc.applyToFetchOptions({});
    if (this.keepAlive) init.agent = await this.sharedAgent();
    init.method = method;
    init.timeout = this.timeoutMs;
    // node-fetch's types predate the global AbortSignal; the runtime check accepts it.
    if (options.signal) init.signal = options.signal as NonNullable<RequestInit['signal']>;
    const headers = init.headers as import('node-fetch').Headers;
    headers.set('Accept', options.accept ?? 'application/json');
    if (options.body !== undefined) {
      headers.set('Content-Type', options.contentType ?? 'application/json');
      init.body = JSON.stringify(options.body);
    }
    let status: number;
    let text: string;
    let statusText: string;
    try {
      const res = await fetch(url.toString(), init);
      status = res.status;
      statusText = res.statusText;
      text = await res.text();
    } catch (cause) {
      throw new KubeConnectionError(method, url.toString(), { cause });
    }
    const body = parseJson(text);
    if (status >= 200 && status < 300) return body as T;
    throw apiError(method, path, status, statusText, body, text);
  }

  /** The keep-alive agent, made on first use with the kubeconfig's TLS material. */
  private async sharedAgent(): Promise<HttpAgent> {
    if (this.agent) return this.agent;
    if (!this.server.startsWith('https:')) return (this.agent = new HttpAgent({ keepAlive: true }));
    const tls: RequestOptions = {};
    await this.kc.applyToHTTPSOptions(tls);
    const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = tls;
    this.agent ??= new HttpsAgent({ keepAlive: true, ca, cert, key, pfx, passphrase, rejectUnauthorized, servername });
    return this.agent;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function apiError(method: string, path: string, status: number, statusText: string, body: unknown, text: string): KubeApiError {
  if (typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'Status') {
    const s = body as { message?: unknown; reason?: unknown; details?: { causes?: Array<{ field?: unknown; message?: unknown }> } };
    const causes = (s.details?.causes ?? []).map((c) => (c.field ? `${String(c.field)}: ${String(c.message ?? '')}` : String(c.message ?? '')));
    return new KubeApiError(method, path, status, typeof s.reason === 'string' ? s.reason : '', typeof s.message === 'string' ? s.message : statusText, causes);
  }
  const detail = text.trim().slice(0, 200);
  return new KubeApiError(method, path, status, '', `${status} ${statusText}${detail ? `: ${detail}` : ''}`);
}
