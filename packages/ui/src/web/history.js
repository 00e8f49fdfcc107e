// An object's event history as a timeline: what the services recorded about it, oldest first.
import { getJson } from './api.js';
import { ago, h, shortTime } from './dom.js';
import { jsonBlock } from './drawer.js';

/** Loads the history of `objects` into a new element (returned at once, filled when it arrives). */
export function historyTimeline(objects) {
  const box = h('div', { class: 'history', 'data-testid': 'history' }, h('p', { class: 'muted' }, 'loading history…'));
  getJson('history', { object: objects }).then(
    (answer) => box.replaceChildren(render(answer)),
    (e) => box.replaceChildren(h('div', { class: 'warnings' }, e.message)),
  );
  return box;
}

function render(answer) {
  const heads = answer.objects.map((o) => h('span', { class: 'chip', title: `${o.service} log` }, `${o.stream} · ${o.events} event${o.events === 1 ? '' : 's'}`));
  if (answer.events.length === 0) return h('div', {}, h('div', { class: 'chips' }, ...heads), h('p', { class: 'muted' }, 'No events recorded for this object.'));
  const multi = answer.objects.length > 1;
  return h('div', {},
    h('div', { class: 'chips' }, ...heads),
    h('ol', { class: 'timeline' }, ...[...answer.events].reverse().map((e) =>
      h('li', { class: tone(e.type) },
        h('div', { class: 'when', title: e.time }, `${shortTime(e.time)} · ${ago(e.time)}`),
        h('div', { class: 'what' }, e.type, h('span', { class: 'muted' }, `  ${multi ? `${e.stream} ` : ''}v${e.version} · ${e.service} log seq ${e.seq}`)),
        h('div', { class: 'cause' }, describeCause(e.cause)),
        jsonBlock(e.data)))));
}

function tone(type) {
  if (/Removed|Deleted|Released/.test(type)) return 'removed';
  if (/Rejected/.test(type)) return 'rejected';
  if (/Allocated|Added|Accepted/.test(type)) return 'added';
  return '';
}

function describeCause(cause) {
  if (!cause) return '';
  if (cause.kind === 'command') return `command "${cause.command}" by ${cause.actor}`;
  const obj = cause.namespace ? `${cause.namespace}/${cause.name}` : cause.name;
  return `caused by ${cause.objectKind} ${obj} (resourceVersion ${cause.resourceVersion})`;
}
