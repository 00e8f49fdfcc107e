import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventEnvelope } from '@netledger/contracts';
import type { AppendResult, LogHead } from '@netledger/eventlog';
import { metricsRegistry } from '@netledger/runtime';
import { serviceMetrics } from '../src/metrics/service-metrics.js';

function appended(types: readonly string[], duplicate = false): AppendResult {
  const events = types.map((type, i) => ({ type, seq: i + 1 }) as unknown as EventEnvelope);
  return { stream: 's', version: events.length, firstSeq: 1, lastSeq: events.length, duplicate, events };
}

test('events appended are counted by service and type, duplicates not; the backlog is read from the log head at scrape time', async () => {
  let backlog = 2;
  const head = async (): Promise<LogHead> => ({ lastSeq: 10, lastTime: null, outboxBacklog: backlog, lastHash: '' });
  const metrics = serviceMetrics('policy', { head });
  metrics.appended([appended(['PolicyAccepted', 'PolicyAccepted']), appended(['PolicyDeleted'])]);
  metrics.appended([appended(['PolicyDeleted'], true)]);
  backlog = 3;

  const text = await metricsRegistry().metrics();
  assert.match(text, /^netledger_events_appended_total\{service="policy",type="PolicyAccepted"\} 2$/m);
  assert.match(text, /^netledger_events_appended_total\{service="policy",type="PolicyDeleted"\} 1$/m);
  assert.match(text, /^netledger_outbox_backlog\{service="policy"\} 3$/m);
  // Registered with the registry, even with no consumer running in this process.
  assert.match(text, /^# TYPE netledger_consumer_lag_events gauge$/m);
  assert.match(text, /^# TYPE netledger_consumer_lag_seconds gauge$/m);

  metrics.stop();
  assert.doesNotMatch(await metricsRegistry().metrics(), /^netledger_outbox_backlog\{service="policy"\}/m);
});
