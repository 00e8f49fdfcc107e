import {
  SUBJECT_API_VERSION,
  SUBJECT_ROOT,
  encodeSubjectToken,
  isServiceName,
  jetStreamName,
  type EventRegistry,
  type ServiceName,
} from '@netledger/contracts';
import { ClientOptionsError } from '../errors.js';
import type { StartPoint, SubscribeOptions } from '../subscribe-options.js';

/** Where one service's delivery starts, resolved from the subscription's start point. */
export type ServiceStart =
  /** At this stream seq; everything before it counts as handled. */
  | { readonly kind: 'seq'; readonly seq: number }
  /** After the stream's last seq at subscribe time. */
  | { readonly kind: 'now' }
  /** At the first event at or after this ISO time. */
  | { readonly kind: 'time'; readonly time: string };

/** What one service's feed does: which stream, from where, filtered how. */
export interface ServicePlan {
  readonly service: ServiceName;
  readonly stream: string;
  readonly start: ServiceStart;
  /**
   * Subject filter given to the server when one subject covers the filters (nats-server 2.9
   * takes one per consumer); undefined means the whole stream is delivered.
   */
  readonly filterSubject: string | undefined;
  /** Client-side filter, always applied (the server filter is at most a superset of it). */
  readonly types: ReadonlySet<string> | undefined;
  readonly objects: readonly string[] | undefined;
}

const OPT = 'subscribe';

/** Checks subscribe options against the registry and turns them into one frozen plan per service. */
export function planSubscription(options: SubscribeOptions, registry: EventRegistry): readonly ServicePlan[] {
  const services = checkServices(options.services);
  const objects = checkObjects(options.objects);
  const typesByService = checkTypes(options.types, services, registry);
  return Object.freeze(
    services.map((service) => {
      const types = typesByService?.get(service);
      return Object.freeze({
        service,
        stream: jetStreamName(service),
        start: startOf(options.from, service),
        filterSubject: serverFilter(service, types, objects),
        types,
        objects,
      });
    }),
  );
}

/** True when an event passes the client-side filters of a plan. */
export function planMatches(plan: ServicePlan, event: { readonly type: string; readonly stream: string }): boolean {
  if (plan.types && !plan.types.has(event.type)) return false;
  if (plan.objects && !plan.objects.some((prefix) => event.stream.startsWith(prefix))) return false;
  return true;
}

/**
 * One subject that holds at least every event the filters want: the single type (or `*`) and
 * the complete `/`-separated segments of a single object prefix. Undefined when that subject
 * would be the whole stream, so delivery stays gap-checkable by seq.
 */
export function serverFilter(service: ServiceName, types: ReadonlySet<string> | undefined, objects: readonly string[] | undefined): string | undefined {
  const typeToken = types?.size === 1 ? [...types][0]! : '*';
  // The last segment of a prefix may be partial ('policy/def' also wants 'policy/default/x'),
  // so only the segments before the last '/' become exact tokens.
  const objectTokens = objects?.length === 1 ? objects[0]!.split('/').slice(0, -1).map(encodeSubjectToken) : [];
  if (typeToken === '*' && objectTokens.length === 0) return undefined;
  return [SUBJECT_ROOT, service, SUBJECT_API_VERSION, typeToken, ...objectTokens, '>'].join('.');
}

function checkServices(services: readonly string[] | undefined): ServiceName[] {
  if (!Array.isArray(services) || services.length === 0) throw new ClientOptionsError(`${OPT}.services`, 'list at least one service');
  const out: ServiceName[] = [];
  for (const [i, s] of services.entries()) {
    if (!isServiceName(s)) throw new ClientOptionsError(`${OPT}.services[${i}]`, `unknown service ${JSON.stringify(s)} (identity, policy or lb)`);
    if (out.includes(s)) throw new ClientOptionsError(`${OPT}.services[${i}]`, `service ${s} listed twice`);
    out.push(s);
  }
  return out;
}

function checkObjects(objects: readonly string[] | undefined): readonly string[] | undefined {
  if (objects === undefined) return undefined;
  if (!Array.isArray(objects) || objects.length === 0) throw new ClientOptionsError(`${OPT}.objects`, 'leave it out for every object, or list at least one prefix');
  for (const [i, o] of objects.entries()) {
    if (typeof o !== 'string' || o === '') throw new ClientOptionsError(`${OPT}.objects[${i}]`, 'must be a non-empty stream prefix such as policy/default/');
  }
  return Object.freeze([...objects]);
}

function checkTypes(
  types: readonly string[] | undefined,
  services: readonly ServiceName[],
  registry: EventRegistry,
): Map<ServiceName, ReadonlySet<string>> | undefined {
  if (types === undefined) return undefined;
  if (!Array.isArray(types) || types.length === 0) throw new ClientOptionsError(`${OPT}.types`, 'leave it out for every type, or list at least one');
  const byService = new Map<ServiceName, Set<string>>(services.map((s) => [s, new Set<string>()]));
  for (const [i, t] of types.entries()) {
    const owner = services.find((s) => registry.has(s, t));
    if (!owner) throw new ClientOptionsError(`${OPT}.types[${i}]`, `${JSON.stringify(t)} is not an event type of ${services.join(', ')}`);
    byService.get(owner)!.add(t);
  }
  for (const [service, set] of byService) {
    // A service listed with none of its types would deliver nothing: almost surely a mistake.
    if (set.size === 0) throw new ClientOptionsError(`${OPT}.types`, `lists no event type of service ${service}; drop the service or add one of its types`);
  }
  return byService;
}

function startOf(from: StartPoint, service: ServiceName): ServiceStart {
  if (from === 'now') return { kind: 'now' };
  if (from === 'start') return { kind: 'seq', seq: 1 };
  if (typeof from !== 'object' || from === null) throw new ClientOptionsError(`${OPT}.from`, "must be 'now', 'start', { seq }, { after } or { time }");
  if ('seq' in from) {
    const seq = typeof from.seq === 'number' ? from.seq : from.seq[service];
    const field = typeof from.seq === 'number' ? `${OPT}.from.seq` : `${OPT}.from.seq.${service}`;
    if (seq === undefined) throw new ClientOptionsError(field, `no start seq for service ${service}`);
    if (!Number.isSafeInteger(seq) || seq < 1) throw new ClientOptionsError(field, `must be an integer >= 1, got ${seq}`);
    return { kind: 'seq', seq };
  }
  if ('after' in from) {
    const after = from.after[service];
    const field = `${OPT}.from.after.${service}`;
    if (after === undefined) throw new ClientOptionsError(field, `no position for service ${service}`);
    if (!Number.isSafeInteger(after) || after < 0) throw new ClientOptionsError(field, `must be an integer >= 0, got ${after}`);
    return { kind: 'seq', seq: after + 1 };
  }
  if ('time' in from) {
    const ms = from.time instanceof Date ? from.time.getTime() : typeof from.time === 'string' ? Date.parse(from.time) : Number.NaN;
    if (Number.isNaN(ms)) throw new ClientOptionsError(`${OPT}.from.time`, `not a date: ${String(from.time)}`);
    return { kind: 'time', time: new Date(ms).toISOString() };
  }
  throw new ClientOptionsError(`${OPT}.from`, "must be 'now', 'start', { seq }, { after } or { time }");
}
