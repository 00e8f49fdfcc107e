// What the drawer shows for a flow, a map node and a map edge.
import { h, shortTime } from './dom.js';
import { action, facts, jsonBlock, openDrawer, section } from './drawer.js';
import { endpointName, l4Text, verdictBadge } from './flow-format.js';
import { historyTimeline } from './history.js';

/**
 * @typedef {{ openHistory: (objects: string[], title?: string) => void, showFlows: (filters: Record<string, string>) => void }} Actions
 */

/** A flow: verdict, the deciding policy, both sides, service, and links to their histories. */
export function showFlow(f, actions) {
  const src = endpointName(f.source, f.ip?.source);
  const dst = endpointName(f.destination, f.ip?.destination);
  openDrawer(`${src} → ${dst}`,
    h('div', { 'data-testid': 'flow-details' },
      h('p', {}, verdictBadge(f), ' ', h('span', { class: 'muted' }, `${shortTime(f.time)} on ${f.node}, ${f.observation} ${f.direction}${f.isReply ? ', reply' : ''}`)),
      section('Decided by', decidedBy(f, actions)),
      section('Connection', facts([
        ['protocol', l4Text(f)],
        ['source', `${f.ip?.source ?? ''}:${f.l4?.sourcePort ?? ''}`],
        ['destination', `${f.ip?.destination ?? ''}:${f.l4?.destinationPort ?? ''}`],
        ['TCP flags', f.l4?.tcpFlags?.join(', ')],
        ['service', f.service ? h('span', {}, `${f.service.namespace}/${f.service.name} (${f.service.address}) `, action('history', () => actions.openHistory([`service/${f.service.namespace}/${f.service.name}`]))) : undefined],
        ['summary', f.summary],
        ['record', `seq ${f.seq} on ${f.node}`],
      ])),
      section('Source', endpointFacts(f.source, actions)),
      section('Destination', endpointFacts(f.destination, actions)),
      jsonBlock(f)));
}

function decidedBy(f, actions) {
  if (!f.policy) {
    return h('p', { class: 'muted' }, f.verdict === 'DROPPED' ? `no policy rule recorded (${f.dropReason ?? 'dropped'})` : 'no policy selects these endpoints in this direction: allowed by default');
  }
  const p = f.policy;
  return h('div', { class: `decided ${p.action}`, 'data-testid': 'deciding-policy' },
    h('div', {}, h('span', { class: `badge ${p.action}` }, p.action), ' ', h('strong', {}, p.ref)),
    h('div', { class: 'mono' }, p.rule),
    p.ruleId !== undefined ? h('div', { class: 'muted' }, `rule id ${p.ruleId}`) : null,
    h('div', {}, action('policy history', () => actions.openHistory([p.ref], `History of ${p.ref}`))));
}

function endpointFacts(ep, actions) {
  if (!ep) return h('p', { class: 'muted' }, 'unknown');
  const links = [];
  if (ep.pod) links.push(action('endpoint history', () => actions.openHistory([`endpoint/${ep.namespace}/${ep.pod}`])));
  if (ep.identity !== undefined) links.push(action(`identity ${ep.identity} history`, () => actions.openHistory([`identity/${ep.identity}`])));
  return h('div', {},
    facts([
      ['pod', ep.pod ? `${ep.namespace}/${ep.pod}` : undefined],
      ['reserved', ep.reserved],
      ['identity', ep.identity],
      ['labels', ep.labels?.length ? h('div', { class: 'chips' }, ...ep.labels.map((l) => h('span', { class: 'chip' }, l))) : undefined],
    ]),
    h('p', { class: 'chips' }, ...links.flatMap((l, i) => (i ? [' · ', l] : [l]))));
}

/** A map node: what it is, its traffic in and out, and its history. */
export function showNode(n, map, actions) {
  const name = n.namespace ? `${n.namespace}/${n.name}` : n.name;
  const byId = new Map(map.nodes.map((x) => [x.id, x]));
  const label = (id) => { const x = byId.get(id); return x ? (x.namespace ? `${x.namespace}/${x.name}` : x.name) : id; };
  const flowEdges = map.edges.filter((e) => e.kind === 'flow');
  const out = flowEdges.filter((e) => e.source === n.id);
  const inc = flowEdges.filter((e) => e.target === n.id);
  const traffic = (edges, side) => edges.length === 0 ? h('p', { class: 'muted' }, 'none observed') : h('ul', {}, ...edges.map((e) =>
    h('li', {}, h('span', { class: `badge ${e.dropped ? 'DROPPED' : 'FORWARDED'}` }, e.verdict), ' ', label(e[side]), h('span', { class: 'muted' }, `  ✓${e.forwarded} ✕${e.dropped} ${e.ports.join(' ')}`))));
  openDrawer(`${n.kind} ${name}`,
    h('div', { 'data-testid': 'node-details' },
      facts([
        ['kind', n.kind],
        ['namespace', n.namespace],
        ['pods', n.pods.length ? h('div', { class: 'chips' }, ...n.pods.map((p) => h('span', { class: 'chip' }, action(p, () => actions.openHistory([`endpoint/${n.namespace}/${p}`]))))) : undefined],
        ['address', n.address],
        ['ports', n.ports?.join(', ')],
      ]),
      nodeFilter(n) ? h('p', {}, action('show its flows', () => actions.showFlows(nodeFilter(n)))) : null,
      section('Outgoing', traffic(out, 'target')),
      section('Incoming', traffic(inc, 'source')),
      section('History', n.history?.length ? historyTimeline(n.history) : h('p', { class: 'muted' }, 'no recorded object'))));
}

/** A map edge: counts, ports, drop reasons and the policies that decided. */
export function showEdge(e, map, actions) {
  const byId = new Map(map.nodes.map((x) => [x.id, x]));
  const src = byId.get(e.source);
  const dst = byId.get(e.target);
  const name = (x, id) => (x ? (x.namespace ? `${x.namespace}/${x.name}` : x.name) : id);
  openDrawer(`${name(src, e.source)} → ${name(dst, e.target)}`,
    h('div', { 'data-testid': 'edge-details' },
      e.kind === 'backend'
        ? h('p', {}, 'The service selects this workload\'s pods as its backends.')
        : facts([
          ['verdict', e.verdict],
          ['forwarded', String(e.forwarded)],
          ['dropped', String(e.dropped)],
          ['ports', e.ports.join(', ')],
          ['drop reasons', e.dropReasons.join(', ')],
          ['last seen', e.lastSeen ? shortTime(e.lastSeen) : undefined],
        ]),
      e.policies.length ? section('Deciding policies', h('ul', {}, ...e.policies.map((p) => h('li', {}, action(p, () => actions.openHistory([p], `History of ${p}`)))))) : null,
      src && dst && e.kind === 'flow' ? h('p', {}, action('show these flows', () => actions.showFlows({ ...sideFilter(src, 'from'), ...sideFilter(dst, 'to') }))) : null));
}

const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

/** observe's filters for a node's flows; undefined for a reserved identity (no filter names one). */
function nodeFilter(n) {
  if (n.kind === 'service') return { service: `${n.namespace}/${n.name}` };
  if (n.kind === 'workload') return { pod: `${n.namespace}/${n.name}` };
  if (IPV4.test(n.name)) return { 'to-ip': n.name };
  return undefined;
}

/** The filter for one side of an edge (a workload's pods are named after it: a prefix match). */
function sideFilter(n, side) {
  if (n.kind === 'service') return side === 'to' ? { service: `${n.namespace}/${n.name}` } : {};
  if (n.kind === 'workload') return { [`${side}-pod`]: `${n.namespace}/${n.name}` };
  if (IPV4.test(n.name)) return { [`${side}-ip`]: n.name };
  return {};
}
