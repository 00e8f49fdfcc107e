import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventEnvelope, ServiceName } from '@netledger/contracts';
import type { EventLog } from '@netledger/eventlog';
import { parseHistoryObject } from '../src/history/history-object.js';
import { readHistory } from '../src/history/read-history.js';
import type { ServiceLogs } from '../src/history/service-logs.js';
import { ApiError } from '../src/http/api-error.js';

describe('parseHistoryObject', () => {
  it("names the owning service's stream of each kind of object", () => {
    assert.deepEqual(parseHistoryObject('identity/256'), { object: 'identity/256', service: 'identity', streams: ['identity/256'] });
    assert.deepEqual(parseHistoryObject('endpoint/ns/pod-a'), { object: 'endpoint/ns/pod-a', service: 'identity', streams: ['endpoint/ns/pod-a'] });
    assert.deepEqual(parseHistoryObject('service/ns/echo'), { object: 'service/ns/echo', service: 'lb', streams: ['service/ns/echo'] });
    assert.deepEqual(parseHistoryObject('cnp/ns/allow'), { object: 'cnp/ns/allow', service: 'policy', streams: ['cnp/ns/allow'] });
    assert.deepEqual(parseHistoryObject('ccnp/global'), { object: 'ccnp/global', service: 'policy', streams: ['ccnp/global'] });
  });

  it('reads policy/NS/NAME as the NetworkPolicy, else the CiliumNetworkPolicy of that name', () => {
    assert.deepEqual(parseHistoryObject('policy/ns/p').streams, ['policy/ns/p', 'cnp/ns/p']);
  });

  it('takes a policy as flows name it', () => {
    assert.deepEqual(parseHistoryObject('CiliumNetworkPolicy/ns/deny').streams, ['cnp/ns/deny']);
    assert.deepEqual(parseHistoryObject('NetworkPolicy/ns/np').streams, ['policy/ns/np']);
    assert.deepEqual(parseHistoryObject('CiliumClusterwideNetworkPolicy/all').streams, ['ccnp/all']);
  });

  it('refuses what is no object with a 400 naming it', () => {
    for (const bad of ['pod-a', 'endpoint/ns', 'endpoint/ns/pod/x', 'identity/abc', 'service//x', 'node/n1']) {
      assert.throws(() => parseHistoryObject(bad), (e: unknown) => e instanceof ApiError && e.statusCode === 400 && e.message.includes(bad), bad);
    }
    assert.throws(() => parseHistoryObject('pod-a'), /expected identity\/ID, endpoint\/NS\/POD, policy\/NS\/NAME/);
  });
});

function envelope(service: ServiceName, stream: string, version: number, seq: number, time: string, type: string): EventEnvelope {
  return { id: `${stream}-${version}`, service, stream, version, seq, type, schemaVersion: 1, time, cause: { kind: 'command', command: 'test', actor: 'test' }, data: { version } } as EventEnvelope;
}

function fakeLogs(streams: Record<string, EventEnvelope[]>): ServiceLogs {
  const log = { readStreamForward: async (stream: string) => streams[stream] ?? [] } as unknown as EventLog;
  return { log: async () => log } as unknown as ServiceLogs;
}

describe('readHistory', () => {
  it("merges several objects' events by time", async () => {
    const logs = fakeLogs({
      'endpoint/ns/a': [envelope('identity', 'endpoint/ns/a', 1, 3, '2026-11-29T18:00:01Z', 'EndpointUpserted'), envelope('identity', 'endpoint/ns/a', 2, 9, '2026-11-29T18:00:09Z', 'EndpointRemoved')],
      'endpoint/ns/b': [envelope('identity', 'endpoint/ns/b', 1, 5, '2026-11-29T18:00:05Z', 'EndpointUpserted')],
    });
    const result = await readHistory(logs, ['endpoint/ns/a', 'endpoint/ns/b']);
    assert.deepEqual(result.events.map((e) => `${e.stream}@${e.version}`), ['endpoint/ns/a@1', 'endpoint/ns/b@1', 'endpoint/ns/a@2']);
    assert.deepEqual(result.objects, [
      { object: 'endpoint/ns/a', service: 'identity', stream: 'endpoint/ns/a', events: 2 },
      { object: 'endpoint/ns/b', service: 'identity', stream: 'endpoint/ns/b', events: 1 },
    ]);
  });

  it('falls back from policy/NS/NAME to the CNP stream when the NetworkPolicy has none', async () => {
    const logs = fakeLogs({ 'cnp/ns/p': [envelope('policy', 'cnp/ns/p', 1, 1, '2026-11-29T18:00:00Z', 'PolicyAccepted')] });
    const result = await readHistory(logs, ['policy/ns/p']);
    assert.equal(result.objects[0]?.stream, 'cnp/ns/p');
    assert.equal(result.events.length, 1);
  });

  it('needs an object', async () => {
    await assert.rejects(readHistory(fakeLogs({}), []), (e: unknown) => e instanceof ApiError && e.statusCode === 400);
  });
});
