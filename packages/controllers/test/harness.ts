// A local API server in a temp dir with the controllers running against it, and the raw
// calls the tests make to play users and kubelets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalApiServer, type LocalApiServer } from '@netledger/kube-apiserver';
import { startControllers, type RunningControllers } from '@netledger/controllers';

export interface Stack {
  readonly api: LocalApiServer;
  readonly controllers: RunningControllers;
  /** Log lines of the controllers, for failure messages. */
  readonly log: string[];
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; body: any }>;
  /** Like call, but throws unless the answer is 2xx; returns the body. */
  must(method: string, path: string, body?: unknown, contentType?: string): Promise<any>;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'netledger-controllers-'));
  const api = await startLocalApiServer({ dataDir: dir });
  const log: string[] = [];
  const logger = { info: (m: string) => void log.push(`INFO ${m}`), error: (m: string) => void log.push(`ERROR ${m}`) };
  let controllers: RunningControllers;
  try {
    controllers = await startControllers({ kubeconfigPath: api.kubeconfigPath, logger, retry: { initialMs: 20, maxMs: 500 } });
  } catch (e) {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': contentType },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    api,
    controllers,
    log,
    call,
    async must(method, path, body, contentType) {
      const res = await call(method, path, body, contentType);
      if (res.status < 200 || res.status > 299) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async close() {
      await controllers.stop();
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Polls `probe` until it returns a value other than undefined; fails after `timeoutMs` with
 * the last value seen. Waiting for the controllers to converge, not measuring them.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function createNamespace(stack: Stack, name: string): Promise<void> {
  await stack.must('POST', '/api/v1/namespaces', { metadata: { name } });
}

/** Registers a node as the node runtime does: Ready (or not). */
export async function registerNode(stack: Stack, name: string, ready = true): Promise<void> {
  await stack.must('POST', '/api/v1/nodes', {
    metadata: { name },
    spec: { podCIDR: '10.200.0.0/24' },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], addresses: [{ type: 'InternalIP', address: '10.200.0.1' }] },
  });
}

export function deploymentPath(namespace: string, name?: string): string {
  return `/apis/apps/v1/namespaces/${namespace}/deployments${name ? `/${name}` : ''}`;
}

export function podsPath(namespace: string, name?: string): string {
  return `/api/v1/namespaces/${namespace}/pods${name ? `/${name}` : ''}`;
}

export function slicesPath(namespace: string, name?: string): string {
  return `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices${name ? `/${name}` : ''}`;
}

export function deployment(name: string, replicas: number, extra: { labels?: Record<string, string>; env?: string } = {}): Record<string, unknown> {
  const labels = { app: name, ...(extra.labels ?? {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'echo',
              image: 'netledger/echo',
              ports: [{ name: 'http', containerPort: 8080 }],
              ...(extra.env ? { env: [{ name: 'VERSION', value: extra.env }] } : {}),
            },
          ],
        },
      },
    },
  };
}

/** The pods in a namespace, optionally only those with `app=<app>`, oldest first. */
export async function listPods(stack: Stack, namespace: string, app?: string): Promise<any[]> {
  const query = app ? `?labelSelector=${encodeURIComponent(`app=${app}`)}` : '';
  const list = await stack.must('GET', podsPath(namespace) + query);
  return list.items;
}

/** Plays the kubelet: the pod runs with `ip` and is Ready (or not). */
export async function setPodStatus(stack: Stack, namespace: string, name: string, ip: string | undefined, ready: boolean): Promise<any> {
  const status = {
    phase: 'Running',
    ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  };
  return stack.must('PATCH', `${podsPath(namespace, name)}/status`, { status }, 'application/merge-patch+json');
}
