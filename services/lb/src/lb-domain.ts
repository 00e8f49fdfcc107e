import type { ServiceContext, ServiceDomain } from '@netledger/runtime';

/**
 * The lb service's decisions. The Kubernetes watchers that feed it are not wired yet: the
 * service runs its log, outbox relay and status so the stack is complete.
 */
export class LbDomain implements ServiceDomain {
  async start(_context: ServiceContext): Promise<void> {}
  async stop(): Promise<void> {}
  status(): Record<string, unknown> {
    return { watching: [] };
  }
}
