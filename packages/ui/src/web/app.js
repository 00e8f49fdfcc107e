// The page: wires the service map, the flow table, the policies and the drawer together.
import { getJson } from './api.js';
import { h } from './dom.js';
import { showEdge, showFlow, showNode } from './details.js';
import { closeDrawer, openDrawer } from './drawer.js';
import { FlowTable } from './flow-table.js';
import { historyTimeline } from './history.js';
import { loadPolicies } from './policies.js';
import { ServiceMapView } from './service-map.js';

const REFRESH_MS = 5000;
const $ = (id) => document.getElementById(id);

const actions = {
  openHistory(objects, title) {
    openDrawer(title ?? `History of ${objects.join(', ')}`, historyTimeline(objects));
  },
  showFlows(filters) {
    closeDrawer();
    flowTable.setFilters(filters);
    $('flows').scrollIntoView({ behavior: 'smooth' });
  },
};

// Service map
let currentMap = { nodes: [], edges: [], groups: [] };
let mapLoading = false;
const mapView = new ServiceMapView($('service-map'), {
  onNode: (n) => {
    mapView.select(n.id);
    showNode(n, currentMap, actions);
  },
  onEdge: (e) => {
    mapView.select(e.id);
    showEdge(e, currentMap, actions);
  },
});
const mapControls = $('map-controls');

async function refreshMap() {
  if (mapLoading) return;
  mapLoading = true;
  const form = new FormData(mapControls);
  try {
    const map = await getJson('servicemap', { since: form.get('since'), namespace: form.get('namespace') });
    currentMap = map;
    mapView.render(map);
    updateNamespaces(map);
    $('map-warnings').textContent = map.warnings.join(' · ');
    const flowEdges = map.edges.filter((e) => e.kind === 'flow');
    $('map-summary').textContent = `${map.nodes.length} nodes · ${flowEdges.length} edges from ${map.flowCount} flows`;
    document.body.dataset.mapLoaded = 'true';
  } catch (e) {
    $('map-warnings').textContent = e.message;
  } finally {
    mapLoading = false;
  }
}

const knownNamespaces = new Set();
function updateNamespaces(map) {
  const select = mapControls.elements.namedItem('namespace');
  for (const g of map.groups) {
    if (g.namespace === null || knownNamespaces.has(g.namespace)) continue;
    knownNamespaces.add(g.namespace);
    select.append(h('option', { value: g.namespace }, g.namespace));
  }
}

mapControls.addEventListener('change', () => void refreshMap());
$('map-refresh').addEventListener('click', () => void refreshMap());
setInterval(() => {
  if (!document.hidden && mapControls.elements.namedItem('auto').checked) void refreshMap();
}, REFRESH_MS);

// Flows
const flowTable = new FlowTable({
  form: $('flow-filters'),
  rows: $('flow-rows'),
  live: $('flows-live'),
  status: $('flows-status'),
  error: $('flows-error'),
  onSelect: (f) => showFlow(f, actions),
});

// Policies
const refreshPolicies = () => loadPolicies($('policy-list'), $('policies-status'), actions.openHistory);
$('policies-refresh').addEventListener('click', () => void refreshPolicies());

// History of any object
$('history-search').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const object = String(new FormData(ev.target).get('object') ?? '').trim();
  if (object) actions.openHistory([object]);
});

// Drawer
$('drawer-close').addEventListener('click', closeDrawer);
document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape') closeDrawer();
});

async function loadInfo() {
  try {
    const info = await getJson('info');
    const ok = info.nats === 'connected';
    $('stack-info').replaceChildren(
      h('span', { class: `dot ${ok ? 'ok' : 'bad'}`, title: `NATS ${info.nats}` }),
      `nodes: ${info.nodes.join(', ') || 'none yet'}${ok ? '' : ` · NATS ${info.nats}`}`,
    );
  } catch (e) {
    $('stack-info').replaceChildren(h('span', { class: 'dot bad' }), e.message);
  }
}

void loadInfo();
setInterval(() => void loadInfo(), 15_000);
void refreshMap();
void flowTable.load();
void refreshPolicies();
