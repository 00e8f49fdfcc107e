// The service map: namespaces as boxes stacked top to bottom, nodes in columns by how far
// along the traffic they are (clients, then services, then their backends), edges as curves
// coloured by verdict. Layout is recomputed on every refresh; it is deterministic, so nodes
// stay where they were while the cluster does not change.
import { clear, s } from './dom.js';

const NODE_W = 190;
const NODE_H = 44;
const COL_GAP = 110;
const ROW_GAP = 14;
const GROUP_HEAD = 28;
const GROUP_PAD = 14;
const GROUP_GAP = 18;
const PAD = 16;
const VERDICTS = ['forwarded', 'dropped', 'mixed', 'backend'];

/** Layer of each node: the longest path to it from a node nothing points at (back edges ignored). */
export function layersOf(nodes, edges) {
  const adjacent = new Map(nodes.map((n) => [n.id, []]));
  const incoming = new Map(nodes.map((n) => [n.id, 0]));
  for (const e of edges) {
    if (!adjacent.has(e.source) || !adjacent.has(e.target) || e.source === e.target) continue;
    adjacent.get(e.source).push(e.target);
    incoming.set(e.target, incoming.get(e.target) + 1);
  }
  const state = new Map();
  const order = [];
  const back = new Set();
  const visit = (root) => {
    // Iterative DFS: a deep chain of workloads must not overflow the stack.
    const stack = [[root, 0]];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [u, i] = top;
      const next = adjacent.get(u)[i];
      if (next === undefined) {
        state.set(u, 2);
        order.push(u);
        stack.pop();
        continue;
      }
      top[1] = i + 1;
      const st = state.get(next);
      if (st === undefined) {
        state.set(next, 1);
        stack.push([next, 0]);
      } else if (st === 1) back.add(`${u}\n${next}`);
    }
  };
  const roots = [...nodes].sort((a, b) => incoming.get(a.id) - incoming.get(b.id) || a.id.localeCompare(b.id));
  for (const n of roots) if (!state.has(n.id)) visit(n.id);
  const layer = new Map(nodes.map((n) => [n.id, 0]));
  for (const u of order.reverse()) {
    for (const v of adjacent.get(u)) {
      if (back.has(`${u}\n${v}`)) continue;
      layer.set(v, Math.max(layer.get(v), layer.get(u) + 1));
    }
  }
  return layer;
}

/** Positions of groups and nodes. */
export function layout(map) {
  const layer = layersOf(map.nodes, map.edges);
  const columns = Math.max(1, ...[...layer.values()].map((l) => l + 1));
  const width = PAD * 2 + GROUP_PAD * 2 + columns * NODE_W + (columns - 1) * COL_GAP;
  const byId = new Map(map.nodes.map((n) => [n.id, n]));
  const preds = new Map(map.nodes.map((n) => [n.id, []]));
  for (const e of map.edges) if (preds.has(e.target) && e.source !== e.target) preds.get(e.target).push(e.source);
  const pos = new Map();
  const groups = [];
  let y = PAD;
  for (const g of map.groups) {
    const ids = g.nodeIds.filter((id) => byId.has(id));
    if (ids.length === 0) continue;
    let rows = 0;
    for (let col = 0; col < columns; col++) {
      // Order a column by where its predecessors sit, so edges cross less; names break ties.
      const inCol = ids.filter((id) => layer.get(id) === col);
      const rank = (id) => {
        const ys = preds.get(id).map((p) => pos.get(p)?.y).filter((v) => v !== undefined);
        return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : Infinity;
      };
      inCol.sort((a, b) => rank(a) - rank(b) || byId.get(a).name.localeCompare(byId.get(b).name));
      inCol.forEach((id, i) => {
        pos.set(id, { x: PAD + GROUP_PAD + col * (NODE_W + COL_GAP), y: y + GROUP_HEAD + i * (NODE_H + ROW_GAP), col });
      });
      rows = Math.max(rows, inCol.length);
    }
    const height = GROUP_HEAD + rows * NODE_H + Math.max(0, rows - 1) * ROW_GAP + GROUP_PAD;
    groups.push({ group: g, x: PAD, y: y - 4, width: width - PAD * 2, height: height + 4 });
    y += height + GROUP_GAP;
  }
  return { pos, groups, width, height: Math.max(y - GROUP_GAP + PAD, 120) };
}

/** Draws service maps into one SVG element and reports clicks on nodes and edges. */
export class ServiceMapView {
  /**
   * @param {SVGSVGElement} svg
   * @param {{ onNode: (node: object) => void, onEdge: (edge: object) => void }} handlers
   */
  constructor(svg, handlers) {
    this.svg = svg;
    this.handlers = handlers;
    this.selected = undefined;
  }

  /** Marks a node or edge (by id) as selected, across re-renders. */
  select(id) {
    this.selected = id;
    for (const el of this.svg.querySelectorAll('.selected')) el.classList.remove('selected');
    if (id) for (const el of this.svg.querySelectorAll(`[data-id="${CSS.escape(id)}"]`)) el.classList.add('selected');
  }

  render(map) {
    const svg = clear(this.svg);
    const { pos, groups, width, height } = layout(map);
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.append(defs());
    if (map.nodes.length === 0) {
      svg.append(s('text', { x: PAD + 8, y: PAD + 24, class: 'empty-map' }, 'No workloads or services yet.'));
      return;
    }
    for (const g of groups) {
      const outside = g.group.namespace === null;
      svg.append(
        s('g', { class: 'ns', 'data-namespace': g.group.namespace ?? '' },
          s('rect', { class: `ns-box${outside ? ' outside' : ''}`, x: g.x, y: g.y, width: g.width, height: g.height, rx: 10 }),
          s('text', { class: 'ns-title', x: g.x + 12, y: g.y + 19 }, outside ? g.group.title : `namespace ${g.group.title}`)),
      );
    }
    const edgeLayer = s('g', { class: 'edges' });
    const labelLayer = s('g', { class: 'edge-labels' });
    // Backend edges under flow edges: the observed traffic is what the map is about.
    const ordered = [...map.edges].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'backend' ? -1 : 1));
    for (const e of ordered) {
      const a = pos.get(e.source);
      const b = pos.get(e.target);
      if (!a || !b) continue;
      const cls = e.kind === 'backend' ? 'backend' : e.verdict;
      const d = edgePath(a, b);
      const title = edgeTitle(e);
      const onclick = () => this.handlers.onEdge(e);
      edgeLayer.append(
        s('path', { class: 'edge-hit', d, onclick }, s('title', {}, title)),
        s('path', {
          class: `map-edge ${cls}`, d, 'marker-end': `url(#arrow-${cls})`, onclick,
          dataset: { id: e.id, kind: e.kind, verdict: e.verdict, source: e.source, target: e.target, forwarded: String(e.forwarded), dropped: String(e.dropped) },
        }, s('title', {}, title)),
      );
      if (e.kind === 'flow') labelLayer.append(edgeLabel(e, a, b));
    }
    svg.append(edgeLayer, labelLayer);
    for (const n of map.nodes) {
      const p = pos.get(n.id);
      if (p) svg.append(this.nodeElement(n, p));
    }
    if (this.selected) this.select(this.selected);
  }

  nodeElement(n, p) {
    const sub = n.kind === 'workload' ? `${n.pods.length} pod${n.pods.length === 1 ? '' : 's'}` : n.kind === 'service' ? `service ${n.address ?? ''}`.trim() : 'outside the cluster';
    return s('g', {
      class: `map-node ${n.kind}`, transform: `translate(${p.x},${p.y})`, tabindex: 0, role: 'button',
      dataset: { id: n.id, kind: n.kind, name: n.name, namespace: n.namespace ?? '' },
      onclick: () => this.handlers.onNode(n),
      onkeydown: (ev) => { if (ev.key === 'Enter') this.handlers.onNode(n); },
    },
    s('title', {}, `${n.kind} ${n.namespace ? `${n.namespace}/` : ''}${n.name}`),
    s('rect', { class: 'body', width: NODE_W, height: NODE_H, rx: 8 }),
    s('rect', { class: `stripe ${n.kind}`, width: 5, height: NODE_H, rx: 2 }),
    s('text', { class: 'name', x: 14, y: 18 }, truncate(n.name, 24)),
    s('text', { class: 'sub', x: 14, y: 34 }, truncate(sub, 30)));
  }
}

/** The cubic curve of an edge: left to right, or around the right side when going back. */
function edgeCurve(a, b) {
  const y1 = a.y + NODE_H / 2;
  const y2 = b.y + NODE_H / 2;
  const x1 = a.x + NODE_W;
  if (b.col > a.col) {
    const x2 = b.x - 4;
    const dx = Math.max(40, (x2 - x1) / 2);
    return [[x1, y1], [x1 + dx, y1], [x2 - dx, y2], [x2, y2]];
  }
  const x2 = b.x + NODE_W + 4;
  const bulge = 50 + Math.abs(y2 - y1) / 6;
  return [[x1, y1], [x1 + bulge, y1], [x2 + bulge, y2], [x2, y2]];
}

function edgePath(a, b) {
  const [p0, p1, p2, p3] = edgeCurve(a, b);
  return `M${p0} C${p1} ${p2} ${p3}`;
}

/** Counts near the start of the curve: edges leaving one node fan out there, so labels do not pile up at the target. */
function edgeLabel(e, a, b) {
  const t = 0.28;
  const c = edgeCurve(a, b);
  const w = [(1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3];
  const x = c.reduce((sum, p, i) => sum + p[0] * w[i], 0);
  const y = c.reduce((sum, p, i) => sum + p[1] * w[i], 0) - 5;
  const parts = [];
  if (e.forwarded) parts.push(s('tspan', { class: 'edge-label forwarded' }, `✓${e.forwarded}`));
  if (e.dropped) parts.push(s('tspan', { class: 'edge-label dropped', dx: parts.length ? 6 : 0 }, `✕${e.dropped}`));
  return s('text', { class: `edge-label ${e.verdict}`, x: x.toFixed(1), y: y.toFixed(1), 'text-anchor': 'middle' }, ...parts);
}

function edgeTitle(e) {
  if (e.kind === 'backend') return `${e.source} selects ${e.target}`;
  const drops = e.dropReasons.length ? ` (${e.dropReasons.join(', ')})` : '';
  return `${e.source} → ${e.target}: ${e.forwarded} forwarded, ${e.dropped} dropped${drops} ${e.ports.join(' ')}`;
}

function defs() {
  return s('defs', {}, ...VERDICTS.map((v) =>
    s('marker', { id: `arrow-${v}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0 L10,5 L0,10 z', style: `fill: var(--${v})` }))));
}

function truncate(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}
