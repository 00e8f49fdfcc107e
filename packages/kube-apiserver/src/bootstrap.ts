import { InvalidError, NotFoundError } from './errors.js';
import type { ResourceOperations } from './resource-operations.js';
import { NAMESPACES, SERVICES } from './resources.js';

/** Namespaces every cluster has. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public'];

/**
 * Creates what a fresh cluster has: the system namespaces and `default/kubernetes`, which takes the
 * first address of the service CIDR. Idempotent: only missing objects are created, so it runs at
 * every start (a deleted `kubernetes` service comes back, as on a real control plane).
 */
export function bootstrapCluster(ops: ResourceOperations, firstServiceIp: string, apiPort: number): void {
  for (const name of SYSTEM_NAMESPACES) {
    if (!exists(() => ops.get({ def: NAMESPACES, namespace: undefined }, name))) {
      ops.create({ def: NAMESPACES, namespace: undefined }, { metadata: { name } });
    }
  }
  const scope = { def: SERVICES, namespace: 'default' };
  if (!exists(() => ops.get(scope, 'kubernetes'))) {
    const service = (clusterIP: string | undefined): unknown => ({
      metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: {
        type: 'ClusterIP',
        ...(clusterIP !== undefined ? { clusterIP } : {}),
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: apiPort }],
      },
    });
    try {
      ops.create(scope, service(firstServiceIp));
    } catch (e) {
      // Someone else took the conventional address while the service was gone: take any.
      if (!(e instanceof InvalidError)) throw e;
      ops.create(scope, service(undefined));
    }
  }
}

function exists(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch (e) {
    if (e instanceof NotFoundError) return false;
    throw e;
  }
}
