// How a flow's parts read on the page (close to `netledger observe`'s compact output).
import { h } from './dom.js';

/** `ns/pod`, the reserved identity's name, or the address. */
export function endpointName(ep, ip) {
  if (ep?.pod) return `${ep.namespace}/${ep.pod}`;
  if (ep?.reserved) return ep.reserved;
  return ip ?? '?';
}

/** One side of a flow as an element: namespace muted, pod, port. */
export function endpointCell(ep, ip, port) {
  const parts = [];
  if (ep?.pod) parts.push(h('span', { class: 'ns' }, `${ep.namespace}/`), ep.pod);
  else if (ep?.reserved) parts.push(h('span', {}, ep.reserved), h('span', { class: 'ns' }, ` ${ip ?? ''}`));
  else parts.push(ip ?? '?');
  if (port) parts.push(h('span', { class: 'port' }, `:${port}`));
  return h('span', { class: 'endpoint' }, ...parts);
}

export function verdictBadge(flow) {
  return h('span', {}, h('span', { class: `badge ${flow.verdict}` }, flow.verdict), flow.dropReason ? h('span', { class: 'reason' }, flow.dropReason) : null);
}

/** `CiliumNetworkPolicy/ns/name` -> `ns/name` (the kind is in the tooltip). */
export function policyShort(ref) {
  const i = ref.indexOf('/');
  return i < 0 ? ref : ref.slice(i + 1);
}

export function l4Text(flow) {
  const l4 = flow.l4 ?? {};
  return l4.destinationPort ? `${l4.protocol}/${l4.destinationPort}` : (l4.protocol ?? '');
}
