import type { ServiceName } from './envelope.js';

/** Version of the public subject layout; bumped only for a breaking change to subjects or envelope. */
export const SUBJECT_API_VERSION = 'v1';

/** Root of every subject netledger publishes. */
export const SUBJECT_ROOT = 'netledger';

/**
 * Subject an event is published on: `netledger.<service>.v1.<EventType>.<stream tokens...>`.
 * The stream `policy/default/allow-web` gives tokens `policy.default.allow-web`, so a subscriber
 * can filter on a type (`netledger.policy.v1.PolicyAccepted.>`) or an object (`netledger.policy.v1.*.policy.default.>`).
 */
export function eventSubject(service: ServiceName, type: string, stream: string): string {
  const tokens = stream.split('/').map(encodeSubjectToken);
  return [SUBJECT_ROOT, service, SUBJECT_API_VERSION, type, ...tokens].join('.');
}

/** Wildcard covering every event of one service. */
export function serviceSubjects(service: ServiceName): string {
  return `${SUBJECT_ROOT}.${service}.${SUBJECT_API_VERSION}.>`;
}

/** JetStream stream holding one service's events. */
export function jetStreamName(service: ServiceName): string {
  return `NETLEDGER_${service.toUpperCase()}`;
}

// Kubernetes names may contain dots, and NATS tokens may not contain '.', '*', '>' or
// whitespace: those (and '%' itself) are percent-encoded so the mapping is reversible.
const UNSAFE = /[%.*>\s]/g;

export function encodeSubjectToken(s: string): string {
  if (s === '') return '%00';
  return s.replace(UNSAFE, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

export function decodeSubjectToken(token: string): string {
  if (token === '%00') return '';
  return token.replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}
