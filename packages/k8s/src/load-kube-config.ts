import { delimiter } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeConfigError } from './kube-errors.js';

/**
 * Reads a kubeconfig once: `path` may list several files (`a:b`, as `$KUBECONFIG` does; the
 * first one's context wins). Without a path, client-node's default search runs
 * (`$KUBECONFIG`, `~/.kube/config`, in-cluster service account).
 */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  const files = (path ?? '').split(delimiter).filter((f) => f !== '');
  const [first, ...rest] = files;
  try {
    if (first === undefined) {
      kc.loadFromDefault();
    } else {
      kc.loadFromFile(first);
      for (const file of rest) {
        const more = new KubeConfig();
        more.loadFromFile(file);
        kc.mergeConfig(more, true);
      }
    }
  } catch (cause) {
    throw new KubeConfigError(path ?? 'default', `cannot be loaded: ${(cause as Error).message}`, { cause });
  }
  const cluster = kc.getCurrentCluster();
  if (first === undefined && cluster?.name === 'cluster' && cluster.server === 'http://localhost:8080') {
    // client-node's last resort when it found nothing; it never works, so say what is missing.
    throw new KubeConfigError('default', 'none found (no $KUBECONFIG, no ~/.kube/config, no in-cluster service account); give a kubeconfig path');
  }
  if (!cluster) throw new KubeConfigError(path ?? 'default', `current context "${kc.getCurrentContext()}" names no cluster`);
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    // client-node refuses plain HTTP otherwise; say so here rather than on every request.
    throw new KubeConfigError(path ?? 'default', `cluster ${cluster.name} uses plain HTTP (${cluster.server}) without insecure-skip-tls-verify: true`);
  }
  return kc;
}

/** Namespace of the kubeconfig's current context, `default` when it names none. */
export function contextNamespace(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
}
