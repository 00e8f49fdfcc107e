import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../src/http/api-error.js';
import { parseFlowParams, sinceTime } from '../src/flows/flow-params.js';

const NOW = new Date('2026-11-29T18:00:00.000Z');

describe('parseFlowParams', () => {
  it("maps observe's flag names to the agent's filter fields", () => {
    const params = new URLSearchParams(
      'from-pod=ns/a&to-pod=ns/b&pod=p&namespace=ns&from-label=app=x&to-label=k8s:app=y&from-ip=10.0.0.1&to-ip=10.0.0.0/24&port=8080&protocol=tcp&verdict=dropped&drop-reason=policy-denied&service=ns/echo&node=n1&since=5m&last=50',
    );
    assert.deepEqual(parseFlowParams(params, NOW), {
      last: 50,
      filter: {
        fromPod: 'ns/a',
        toPod: 'ns/b',
        pod: 'p',
        namespace: 'ns',
        fromLabel: 'app=x',
        toLabel: 'k8s:app=y',
        fromIp: '10.0.0.1',
        toIp: '10.0.0.0/24',
        port: 8080,
        protocol: 'tcp',
        verdict: 'DROPPED',
        dropReason: 'policy-denied',
        service: 'ns/echo',
        node: 'n1',
        since: '2026-11-29T17:55:00.000Z',
      },
    });
  });

  it('ignores empty values and defaults to the last 200 flows', () => {
    assert.deepEqual(parseFlowParams(new URLSearchParams('pod=&verdict=&last='), NOW), { filter: {}, last: 200 });
  });

  it('refuses unknown parameters and malformed numbers with a 400 naming them', () => {
    for (const [qs, pattern] of [
      ['podd=x', /unknown parameter podd/],
      ['port=http', /port "http"/],
      ['last=0', /last "0": expected an integer from 1 to 4095/],
      ['since=yesterday', /since "yesterday"/],
    ] as const) {
      assert.throws(() => parseFlowParams(new URLSearchParams(qs), NOW), (e: unknown) => e instanceof ApiError && e.statusCode === 400 && pattern.test(e.message));
    }
  });
});

describe('sinceTime', () => {
  it('takes durations and ISO times', () => {
    assert.equal(sinceTime('30s', NOW), '2026-11-29T17:59:30.000Z');
    assert.equal(sinceTime('2h', NOW), '2026-11-29T16:00:00.000Z');
    assert.equal(sinceTime('1d', NOW), '2026-11-28T18:00:00.000Z');
    assert.equal(sinceTime('2026-11-29T10:00:00Z', NOW), '2026-11-29T10:00:00.000Z');
  });
});
