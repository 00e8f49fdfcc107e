// The live flow table: a query of the newest flows with observe's filters, then new flows as
// the agents publish them (server-sent events), newest on top.
import { getJson, toQuery } from './api.js';
import { clear, h, shortTime } from './dom.js';
import { endpointCell, l4Text, policyShort, verdictBadge } from './flow-format.js';

const MAX_ROWS = 1000;

export class FlowTable {
  /**
   * @param {{ form: HTMLFormElement, rows: HTMLElement, live: HTMLInputElement, status: HTMLElement, error: HTMLElement,
   *           onSelect: (flow: object) => void }} parts
   */
  constructor(parts) {
    Object.assign(this, parts);
    this.source = undefined;
    this.pending = [];
    this.count = 0;
    this.limit = 200;
    this.selectedRow = undefined;
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.load();
    });
    this.form.addEventListener('reset', () => setTimeout(() => void this.load()));
    this.live.addEventListener('change', () => (this.live.checked ? this.follow(this.filters()) : this.stopFollowing()));
  }

  /** The form's filters, as `/api/flows` parameters. */
  filters() {
    const params = {};
    for (const [k, v] of new FormData(this.form)) if (String(v).trim() !== '') params[k] = String(v).trim();
    return params;
  }

  /** Sets filters (e.g. from a map click) and reloads. */
  setFilters(params) {
    this.form.reset();
    for (const [k, v] of Object.entries(params)) {
      const input = this.form.elements.namedItem(k);
      if (input) input.value = v;
    }
    void this.load();
  }

  async load() {
    const params = this.filters();
    this.limit = Math.min(Number(params.last) || 200, MAX_ROWS);
    this.error.textContent = '';
    this.stopFollowing();
    try {
      const answer = await getJson('flows', params);
      clear(this.rows);
      this.count = 0;
      for (const f of answer.flows) this.rows.prepend(this.row(f, false));
      this.count = answer.flows.length;
      const missing = answer.missing.length ? `; no answer from ${answer.missing.join(', ')}` : '';
      this.status.textContent = `${answer.flows.length} flows from ${answer.nodes.length} node${answer.nodes.length === 1 ? '' : 's'}${missing}`;
    } catch (e) {
      this.error.textContent = e.message;
    }
    if (this.live.checked) this.follow(params);
  }

  follow(params) {
    this.stopFollowing();
    // A stream shows what comes next: last and since only shape the first page.
    const { last, since, ...filters } = params;
    const source = new EventSource(`/api/flows/stream?${toQuery(filters)}`);
    source.onmessage = (ev) => {
      try {
        this.pending.push(JSON.parse(ev.data));
      } catch {
        return;
      }
      if (this.pending.length === 1) requestAnimationFrame(() => this.flush());
    };
    source.addEventListener('dropped', (ev) => {
      this.status.textContent = `skipped ${JSON.parse(ev.data).dropped} flows: the page could not keep up`;
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) this.error.textContent = 'the live flow stream closed; Apply to reconnect';
    };
    this.source = source;
  }

  stopFollowing() {
    this.source?.close();
    this.source = undefined;
    this.pending = [];
  }

  /** Adds the flows that arrived since the last frame in one DOM update. */
  flush() {
    const batch = this.pending.splice(0);
    const frag = document.createDocumentFragment();
    for (const f of batch.reverse()) frag.append(this.row(f, true));
    this.rows.prepend(frag);
    this.count += batch.length;
    while (this.count > this.limit && this.rows.lastElementChild) {
      this.rows.lastElementChild.remove();
      this.count -= 1;
    }
  }

  row(f, fresh) {
    const tr = h('tr', {
      class: `flow-row ${f.verdict}${fresh ? ' fresh' : ''}`,
      dataset: { verdict: f.verdict, source: f.source?.pod ?? f.source?.reserved ?? '', destination: f.destination?.pod ?? f.destination?.reserved ?? '' },
      onclick: () => {
        this.selectedRow?.classList.remove('selected');
        tr.classList.add('selected');
        this.selectedRow = tr;
        this.onSelect(f);
      },
    },
    h('td', { title: f.time }, shortTime(f.time)),
    h('td', {}, f.node),
    h('td', { class: 'muted' }, f.observation ?? ''),
    h('td', {}, endpointCell(f.source, f.ip?.source, f.l4?.sourcePort)),
    h('td', {}, endpointCell(f.destination, f.ip?.destination, f.l4?.destinationPort), f.service ? h('div', { class: 'via' }, `via ${f.service.namespace}/${f.service.name}`) : null),
    h('td', {}, l4Text(f)),
    h('td', {}, verdictBadge(f)),
    h('td', { title: f.policy ? `${f.policy.ref} ${f.policy.rule}` : '' }, f.policy ? `${f.policy.action === 'deny' ? '✕' : '✓'} ${policyShort(f.policy.ref)}` : ''),
    h('td', { class: 'muted' }, f.summary ?? ''));
    return tr;
  }
}
