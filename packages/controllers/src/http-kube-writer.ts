import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { KubeApiError, KubeConnectionError, resourcePath, type KubeObject, type KubeResource } from '@netledger/k8s';
import type { KubeWriter } from './kube-writer.js';
import { readKubeconfigTarget, type KubeconfigTarget } from './kubeconfig-target.js';

/** Options of `createKubeWriter`. */
export interface KubeWriterOptions {
  /** Kubeconfig file(s) (`a:b`); the caller's main decides the default. */
  readonly kubeconfigPath: string;
  /** Per request (default 30 s). */
  readonly timeoutMs?: number;
}

/** A KubeWriter for the cluster of a kubeconfig (read once, here). */
export function createKubeWriter(options: KubeWriterOptions): HttpKubeWriter {
  return new HttpKubeWriter(readKubeconfigTarget(options.kubeconfigPath), options.timeoutMs ?? 30_000);
}

/**
 * KubeWriter over the API's JSON endpoints with node's http(s) client and keep-alive
 * connections. @netledger/k8s's KubeClient offers apply/get/delete for people; controllers
 * need create, merge patch of status and uid-guarded deletes, which it does not have.
 */
export class HttpKubeWriter implements KubeWriter {
  private readonly agent: HttpAgent;

  constructor(
    private readonly target: KubeconfigTarget,
    private readonly timeoutMs: number,
  ) {
    this.agent = target.server.startsWith('https:')
      ? new HttpsAgent({
          keepAlive: true,
          ...(target.ca ? { ca: target.ca } : {}),
          ...(target.clientCert ? { cert: target.clientCert } : {}),
          ...(target.clientKey ? { key: target.clientKey } : {}),
          rejectUnauthorized: !target.insecureSkipTlsVerify,
        })
      : new HttpAgent({ keepAlive: true });
  }

  async create<T extends KubeObject>(resource: KubeResource, namespace: string, object: object): Promise<T> {
    return (await this.send('POST', resourcePath(resource, namespace), object)) as T;
  }

  async patch<T extends KubeObject>(
    resource: KubeResource,
    namespace: string,
    name: string,
    patch: object,
    subresource?: 'status',
  ): Promise<T> {
    const path = resourcePath(resource, namespace, name) + (subresource ? `/${subresource}` : '');
    return (await this.send('PATCH', path, patch, 'application/merge-patch+json')) as T;
  }

  async delete<T extends KubeObject>(
    resource: KubeResource,
    namespace: string,
    name: string,
    uid?: string,
  ): Promise<{ readonly outcome: 'deleted'; readonly object: T | undefined } | { readonly outcome: 'gone' }> {
    const body = uid === undefined ? undefined : { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid } };
    try {
      const answer = await this.send('DELETE', resourcePath(resource, namespace, name), body);
      // Most kinds answer with the deleted object; some servers send a Status instead.
      const isObject = typeof answer === 'object' && answer !== null && (answer as { kind?: unknown }).kind !== 'Status';
      return { outcome: 'deleted', object: isObject ? (answer as T) : undefined };
    } catch (e) {
      // 404: already deleted; 409 on a uid precondition: the name now belongs to another object.
      if (e instanceof KubeApiError && (e.statusCode === 404 || (e.statusCode === 409 && uid !== undefined))) return { outcome: 'gone' };
      throw e;
    }
  }

  /** Stops reusing connections (the writer is unusable afterwards). */
  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
    const url = new URL(this.target.server + path);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.target.token !== undefined) headers['Authorization'] = `Bearer ${this.target.token}`;
    else if (this.target.basicAuth !== undefined) headers['Authorization'] = `Basic ${Buffer.from(this.target.basicAuth).toString('base64')}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers, agent: this.agent, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (cause) => reject(new KubeConnectionError(method, url.toString(), { cause })));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          const parsed = parseJson(text);
          if (status >= 200 && status < 300) resolve(parsed);
          else reject(apiError(method, path, status, res.statusMessage ?? '', parsed, text));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (cause) => reject(new KubeConnectionError(method, url.toString(), { cause })));
      req.end(payload);
    });
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
