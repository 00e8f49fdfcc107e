import { EventRegistry } from '../event-registry.js';
import { identityEvents } from './identity-events.js';
import { lbEvents } from './lb-events.js';
import { policyEvents } from './policy-events.js';

/** Every event type netledger publishes, current schema versions with their upcasters. */
export const ALL_EVENT_DEFINITIONS = [...identityEvents, ...policyEvents, ...lbEvents] as const;

/** A registry holding every netledger event type. Each call returns a fresh one. */
export function createNetledgerRegistry(): EventRegistry {
  return new EventRegistry(ALL_EVENT_DEFINITIONS);
}
