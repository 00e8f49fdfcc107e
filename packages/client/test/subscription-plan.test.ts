import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createNetledgerRegistry } from '@netledger/contracts';
import { ClientOptionsError, type SubscribeOptions } from '@netledger/client';
import { planMatches, planSubscription, serverFilter } from '../src/internal/subscription-plan.js';

const registry = createNetledgerRegistry();
const plan = (o: SubscribeOptions) => planSubscription(o, registry);

describe('planSubscription', () => {
  it('resolves start points per service', () => {
    const [identity, policy] = plan({ services: ['identity', 'policy'], from: { after: { identity: 0, policy: 41 } } });
    assert.deepEqual(identity!.start, { kind: 'seq', seq: 1 });
    assert.deepEqual(policy!.start, { kind: 'seq', seq: 42 });
    assert.equal(policy!.stream, 'NETLEDGER_POLICY');
    assert.deepEqual(plan({ services: ['lb'], from: { time: '2025-01-02T03:04:05+01:00' } })[0]!.start, { kind: 'time', time: '2025-01-02T02:04:05.000Z' });
  });

  it('names the option that cannot work', () => {
    const cases: Array<[SubscribeOptions, string]> = [
      [{ services: [], from: 'now' }, 'subscribe.services'],
      [{ services: ['policy', 'policy'], from: 'now' }, 'subscribe.services[1]'],
      [{ services: ['policy', 'lb'], from: { seq: { policy: 3 } } }, 'subscribe.from.seq.lb'],
      [{ services: ['policy'], from: { seq: 0 } }, 'subscribe.from.seq'],
      [{ services: ['policy'], from: { after: {} } }, 'subscribe.from.after.policy'],
      [{ services: ['policy'], from: { time: 'yesterday' } }, 'subscribe.from.time'],
      [{ services: ['policy'], types: ['ServiceUpserted'] as never[], from: 'now' }, 'subscribe.types[0]'],
      [{ services: ['policy', 'lb'], types: ['PolicyDeleted'], from: 'now' }, 'subscribe.types'],
      [{ services: ['policy'], objects: [''], from: 'now' }, 'subscribe.objects[0]'],
    ];
    for (const [options, option] of cases) {
      assert.throws(() => plan(options), (e: unknown) => e instanceof ClientOptionsError && e.option === option, option);
    }
  });

  it('gives the server one subject only when it covers the filters', () => {
    assert.equal(serverFilter('policy', undefined, undefined), undefined);
    assert.equal(serverFilter('policy', new Set(['PolicyDeleted']), undefined), 'netledger.policy.v1.PolicyDeleted.>');
    assert.equal(serverFilter('policy', undefined, ['policy/default/']), 'netledger.policy.v1.*.policy.default.>');
    // The partial last segment is left to the client; dots are percent-encoded as in subjects.
    assert.equal(serverFilter('policy', new Set(['PolicyAccepted']), ['policy/web.v2/all']), 'netledger.policy.v1.PolicyAccepted.policy.web%2Ev2.>');
    assert.equal(serverFilter('policy', new Set(['PolicyAccepted', 'PolicyDeleted']), ['cnp']), undefined);
    assert.equal(serverFilter('policy', undefined, ['policy/a/', 'policy/b/']), undefined);
  });

  it('matches events on the client by type and stream prefix', () => {
    const [p] = plan({ services: ['policy'], types: ['PolicyAccepted'], objects: ['policy/default/web'], from: 'now' });
    assert.equal(planMatches(p!, { type: 'PolicyAccepted', stream: 'policy/default/web-2' }), true);
    assert.equal(planMatches(p!, { type: 'PolicyDeleted', stream: 'policy/default/web-2' }), false);
    assert.equal(planMatches(p!, { type: 'PolicyAccepted', stream: 'policy/other/web' }), false);
  });
});
