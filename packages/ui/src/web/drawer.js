// The side drawer every detail opens in: a flow, a map node or edge, an object's history.
import { clear, h } from './dom.js';

const drawer = () => document.getElementById('drawer');

/** Shows `content` in the drawer under `title`. */
export function openDrawer(title, ...content) {
  const el = drawer();
  document.getElementById('drawer-title').textContent = title;
  clear(document.getElementById('drawer-body')).append(...content.filter(Boolean));
  el.classList.add('open');
  el.setAttribute('aria-hidden', 'false');
}

export function closeDrawer() {
  const el = drawer();
  el.classList.remove('open');
  el.setAttribute('aria-hidden', 'true');
}

/** A definition list of [label, value] pairs; empty values are left out. */
export function facts(pairs) {
  const dl = h('dl', { class: 'facts' });
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === '') continue;
    dl.append(h('dt', {}, k), h('dd', {}, v));
  }
  return dl;
}

/** A link that calls `action` instead of navigating. */
export function action(text, fn, attrs = {}) {
  return h('a', { href: '#', ...attrs, onclick: (ev) => { ev.preventDefault(); fn(); } }, text);
}

export function section(title, ...content) {
  return h('div', {}, h('h4', {}, title), ...content);
}

export function jsonBlock(value) {
  return h('details', {}, h('summary', {}, 'JSON'), h('pre', { class: 'json' }, JSON.stringify(value, null, 2)));
}
