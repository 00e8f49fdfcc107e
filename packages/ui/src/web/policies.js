// The policies in force, per namespace, in words.
import { getJson } from './api.js';
import { clear, h } from './dom.js';
import { action } from './drawer.js';

/** Loads `/api/policies` into `list`; `openHistory` opens a policy's history. */
export async function loadPolicies(list, status, openHistory) {
  status.textContent = 'loading…';
  try {
    const answer = await getJson('policies');
    clear(list);
    const count = answer.namespaces.reduce((n, ns) => n + ns.policies.length, 0);
    status.textContent = `${count} polic${count === 1 ? 'y' : 'ies'} · revision ${answer.revision}`;
    if (count === 0) list.append(h('p', { class: 'muted' }, 'No policy is in force: every endpoint allows all traffic.'));
    for (const ns of answer.namespaces) {
      list.append(h('div', { class: 'ns-policies', dataset: { namespace: ns.namespace ?? '' } },
        h('h3', {}, ns.namespace === null ? 'cluster-wide' : `namespace ${ns.namespace}`),
        h('div', { class: 'policy-grid' }, ...ns.policies.map((p) => policyCard(p, openHistory)))));
    }
  } catch (e) {
    status.textContent = '';
    clear(list).append(h('div', { class: 'warnings' }, e.message));
  }
}

function policyCard(p, openHistory) {
  return h('div', { class: 'policy', 'data-testid': 'policy', dataset: { ref: p.flowRef } },
    h('div', { class: 'policy-head' },
      h('span', { class: 'badge kind', title: p.kind }, abbreviation(p.kind)),
      h('span', { class: 'name' }, p.name),
      h('span', { class: 'rev' }, `rev ${p.revision} · `, action('history', () => openHistory([p.stream], `History of ${p.flowRef}`)))),
    ...p.subjects.map((s) => h('div', {},
      h('div', { class: 'selects' }, `selects ${s.selects}`, defaultDeny(s.defaultDeny)),
      h('ul', {}, ...s.rules.map((r) => h('li', { title: r.source },
        h('span', { class: `badge ${r.effect}` }, r.effect), ` ${r.direction} ${r.direction === 'egress' ? 'to' : 'from'} `,
        h('span', { class: 'mono' }, r.peers), ' on ', h('span', { class: 'mono' }, r.ports)))))),
    p.newerVersionRejected ? h('div', { class: 'rejected-note' }, 'a newer version was rejected; this one stays in force') : null);
}

function defaultDeny(d) {
  const dirs = ['ingress', 'egress'].filter((k) => d[k] === true);
  return dirs.length ? ` · default deny ${dirs.join(' and ')}` : '';
}

function abbreviation(kind) {
  return { NetworkPolicy: 'NP', CiliumNetworkPolicy: 'CNP', CiliumClusterwideNetworkPolicy: 'CCNP' }[kind] ?? kind;
}
