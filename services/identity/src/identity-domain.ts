import type { AppendRequest } from '@netledger/eventlog';
import type { ServiceContext, ServiceDomain } from '@netledger/runtime';
import { identityStream, RESERVED_IDENTITIES } from './reserved-identities.js';

/**
 * The identity service's decisions. At start it makes sure the reserved identities are in
 * the log (once: a restart finds them there and appends nothing).
 */
export class IdentityDomain implements ServiceDomain {
  private reserved = 0;

  async start({ log, logger }: ServiceContext): Promise<void> {
    const missing: AppendRequest[] = [];
    for (const r of RESERVED_IDENTITIES) {
      const stream = identityStream(r.id);
      if ((await log.streamVersion(stream)) > 0) continue;
      missing.push({
        stream,
        expectedVersion: 'no-stream',
        events: [
          {
            type: 'IdentityAllocated',
            data: { id: r.id, scope: 'reserved', labels: [`reserved:${r.name}`] },
            cause: { kind: 'command', command: 'reserve built-in identities', actor: 'identity-service' },
          },
        ],
      });
    }
    if (missing.length > 0) {
      await log.appendMany(missing);
      logger.info(`reserved identities allocated: ${missing.map((m) => m.stream).join(', ')}`);
    }
    this.reserved = RESERVED_IDENTITIES.length;
  }

  async stop(): Promise<void> {}

  status(): Record<string, unknown> {
    return { reservedIdentities: this.reserved };
  }
}
