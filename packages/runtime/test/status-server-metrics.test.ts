import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MetricConflictError,
  StatusServer,
  addGaugeSource,
  metricsRegistry,
  processCounter,
  processGauge,
  processHistogram,
} from '@netledger/runtime';

test('GET /metrics serves the process registry in the Prometheus text format', async (t) => {
  const counter = processCounter({ name: 'netledger_test_things_total', help: 'Things seen by the test.', labelNames: ['kind'] });
  counter.inc({ kind: 'a' }, 3);
  const server = await StatusServer.start({ host: '127.0.0.1', port: 0, status: () => ({ component: 'test', healthy: true }) });
  t.after(() => server.stop());

  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, /^# TYPE netledger_test_things_total counter$/m);
  assert.match(text, /^netledger_test_things_total\{kind="a"\} 3$/m);
  // prom-client's default process metrics come with the registry.
  assert.match(text, /^process_cpu_user_seconds_total /m);
  assert.match(text, /^nodejs_eventloop_lag_seconds /m);
});

test('a metric asked for twice is the same metric; another type or label set under its name is refused', () => {
  const spec = { name: 'netledger_test_shared_total', help: 'Shared.', labelNames: ['x'] } as const;
  assert.equal(processCounter(spec), processCounter(spec));
  assert.throws(() => processGauge(spec), MetricConflictError);
  assert.throws(() => processCounter({ ...spec, labelNames: ['y'] }), /labels \[x\], not \[y\]/);
  const h = processHistogram({ name: 'netledger_test_delay_seconds', help: 'Delay.', labelNames: [], buckets: [0.1, 1] });
  assert.equal(processHistogram({ name: 'netledger_test_delay_seconds', help: 'Delay.', labelNames: [], buckets: [0.1, 1] }), h);
});

test('a computed gauge reports the samples of every source at scrape time and forgets a removed one', async () => {
  const spec = { name: 'netledger_test_backlog', help: 'Backlog.', labelNames: ['service'] } as const;
  let backlog = 4;
  const removeA = addGaugeSource(spec, () => [{ labels: { service: 'a' }, value: backlog }]);
  const removeB = addGaugeSource(spec, async () => [{ labels: { service: 'b' }, value: 7 }]);
  addGaugeSource(spec, () => {
    throw new Error('closed');
  });
  backlog = 5;
  let text = await metricsRegistry().getSingleMetricAsString(spec.name);
  assert.match(text, /^netledger_test_backlog\{service="a"\} 5$/m);
  assert.match(text, /^netledger_test_backlog\{service="b"\} 7$/m);
  removeA();
  text = await metricsRegistry().getSingleMetricAsString(spec.name);
  assert.doesNotMatch(text, /service="a"/);
  removeB();
  assert.throws(() => addGaugeSource({ name: 'netledger_test_things_total', help: 'x', labelNames: [] }, () => []), MetricConflictError);
});
