// The Grafana dashboard under deploy/ against the metrics the processes register: every metric
// (and every label) its expressions name is one a running component registers, and it shows
// every metric the issue asks for. A renamed metric fails here, not on an empty panel.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MemoryDatapathMaps } from '@netledger/datapath';
import { FlowContext, FlowObserver } from '@netledger/node-agent';
import { metricsRegistry } from '@netledger/runtime';
import { ScenarioStack } from './support/scenario-stack.js';

const DASHBOARD = fileURLToPath(new URL('../../../deploy/grafana/netledger-dashboard.json', import.meta.url));

/** What the issue asks the dashboard to show. */
const REQUIRED = [
  'netledger_flows_processed_total',
  'netledger_drop_total',
  'netledger_tcp_flags_total',
  'netledger_port_distribution_total',
  'netledger_events_appended_total',
  'netledger_outbox_backlog',
  'netledger_consumer_lag_events',
  'netledger_consumer_lag_seconds',
  'netledger_policy_implementation_delay_seconds',
  'netledger_map_pressure',
  'netledger_map_operations_total',
  'netledger_identities',
];

// Labels Prometheus adds to every series of a target (job, instance) and those the targets
// files of the stack add (component, kind).
const TARGET_LABELS = ['job', 'instance', 'component', 'kind'];

const PROMQL_WORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset',
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
  'inf', 'nan',
]);

interface Selector {
  readonly metric: string;
  readonly labels: readonly string[];
}

interface Expression {
  readonly panel: string;
  readonly expr: string;
}

interface DashboardPanel {
  readonly title?: string;
  readonly targets?: ReadonlyArray<{ readonly expr?: string }>;
  readonly panels?: readonly DashboardPanel[];
}

interface Dashboard {
  readonly panels: readonly DashboardPanel[];
  readonly templating?: { readonly list: ReadonlyArray<{ readonly name: string; readonly query?: string | { readonly query?: string } }> };
}

/** Every PromQL expression of the dashboard: panel targets (rows included) and template variable queries. */
function expressions(dashboard: Dashboard): Expression[] {
  const out: Expression[] = [];
  const walk = (panels: readonly DashboardPanel[]): void => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ panel: p.title ?? '?', expr: t.expr });
      walk(p.panels ?? []);
    }
  };
  walk(dashboard.panels);
  for (const v of dashboard.templating?.list ?? []) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    const m = q && /^label_values\((.+),\s*([a-zA-Z_]\w*)\)$/.exec(q);
    if (m) out.push({ panel: `variable ${v.name}`, expr: `${m[1]} by (${m[2]})` });
  }
  return out;
}

/** The metric selectors of one expression, with the label names its matchers name. */
function selectors(expr: string): Selector[] {
  const out: Selector[] = [];
  // Ranges and Grafana variables name no metric.
  const text = expr.replace(/\[[^\]]*\]/g, '').replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const re = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?(\s*\()?/g;
  for (const m of text.matchAll(re)) {
    const [, name, matchers, call] = m;
    const before = text.slice(0, m.index).trimEnd();
    const afterGrouping = /\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*$/.test(before);
    const isLabelInMatchers = /\{[^}]*$/.test(before);
    if (call || afterGrouping || isLabelInMatchers || PROMQL_WORDS.has(name!) || name!.startsWith('$')) continue;
    const labels = [...(matchers ?? '').matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]!);
    out.push({ metric: name!, labels });
  }
  return out;
}

/** Label names an expression groups by. */
function groupingLabels(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim()).filter(Boolean));
}

/** Registered metrics by the names their series carry (histograms: _bucket, _sum, _count), with their labels. */
function registeredSeries(): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const m of metricsRegistry().getMetricsAsArray()) {
    const labels = (m as unknown as { labelNames?: readonly string[] }).labelNames ?? [];
    const type = String((m as unknown as { type: unknown }).type);
    if (type === 'histogram') {
      out.set(`${m.name}_bucket`, [...labels, 'le']);
      out.set(`${m.name}_sum`, labels);
      out.set(`${m.name}_count`, labels);
    } else {
      out.set(m.name, labels);
    }
  }
  return out;
}

describe('the Grafana dashboard', { timeout: 180_000 }, () => {
  let stack: ScenarioStack;
  let registered: Map<string, readonly string[]>;

  before(async () => {
    // Every component of a stack in this process registers its metrics in the one registry:
    // the services, an agent, and the agent's flow observer (which a memory-maps agent has no
    // datapath for, so it is made here as the agent makes it, over a source with no flows).
    stack = await ScenarioStack.start('netledger-dashboard');
    await stack.startServices();
    await stack.startAgent({ node: 'node-a', datapath: 'memory', maps: new MemoryDatapathMaps() });
    await stack.settle();
    const observer = new FlowObserver({
      node: 'node-a',
      source: { readFlows: () => [], headSeq: () => 0n },
      context: new FlowContext({ get: () => undefined }),
      logger: stack.logger('flows'),
    });
    observer.stop();
    registered = registeredSeries();
  });

  after(async () => {
    await stack?.stop();
  });

  it('names only metrics and labels that the processes register', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
    const exprs = expressions(dashboard);
    assert.ok(exprs.length >= 12, `the dashboard has ${exprs.length} expressions`);
    const problems: string[] = [];
    for (const { panel, expr } of exprs) {
      const found = selectors(expr);
      if (found.length === 0) problems.push(`${panel}: no metric in ${expr}`);
      const labelsOfExpr = new Set([...TARGET_LABELS]);
      for (const s of found) {
        const labels = registered.get(s.metric);
        if (!labels) {
          problems.push(`${panel}: ${s.metric} is not registered by any process`);
          continue;
        }
        for (const l of labels) labelsOfExpr.add(l);
        for (const l of s.labels) if (!labels.includes(l) && !TARGET_LABELS.includes(l)) problems.push(`${panel}: ${s.metric} has no label ${l}`);
      }
      for (const l of groupingLabels(expr)) if (!labelsOfExpr.has(l)) problems.push(`${panel}: grouping by ${l}, which none of its metrics has`);
    }
    assert.deepEqual(problems, []);
  });

  it('shows every metric the issue asks for', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
    const used = new Set(expressions(dashboard).flatMap((e) => selectors(e.expr).map((s) => s.metric.replace(/_(bucket|sum|count)$/, ''))));
    assert.deepEqual(REQUIRED.filter((m) => !used.has(m)), []);
    // The p50 and p99 of the policy implementation delay.
    const exprs = expressions(dashboard).map((e) => e.expr);
    for (const q of ['0.5', '0.99']) {
      assert.ok(exprs.some((e) => e.includes(`histogram_quantile(${q},`) && e.includes('netledger_policy_implementation_delay_seconds_bucket')), `p${Number(q) * 100}`);
    }
  });

  it('reads expressions as the check above needs', () => {
    // The parser of this file, on the shapes the dashboard uses.
    assert.deepEqual(selectors('sum by (type, verdict) (rate(netledger_flows_processed_total{node=~"$node"}[$__rate_interval]))'), [
      { metric: 'netledger_flows_processed_total', labels: ['node'] },
    ]);
    assert.deepEqual(selectors('histogram_quantile(0.99, sum by (le) (rate(x_bucket{a="b",c!="d"}[5m])))'), [{ metric: 'x_bucket', labels: ['a', 'c'] }]);
    assert.deepEqual(selectors('max(netledger_identities_unreferenced)'), [{ metric: 'netledger_identities_unreferenced', labels: [] }]);
    assert.deepEqual(groupingLabels('topk(10, sum by (port, protocol) (rate(m[1m])))'), ['port', 'protocol']);
  });
});
