import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeSubjectToken, encodeSubjectToken, eventSubject, jetStreamName, serviceSubjects } from '@netledger/contracts';

describe('subjects', () => {
  it('put service, version, type and stream tokens in order', () => {
    assert.equal(eventSubject('policy', 'PolicyAccepted', 'policy/default/allow-web'), 'netledger.policy.v1.PolicyAccepted.policy.default.allow-web');
    assert.equal(serviceSubjects('lb'), 'netledger.lb.v1.>');
    assert.equal(jetStreamName('identity'), 'NETLEDGER_IDENTITY');
  });

  it('encode characters NATS tokens cannot hold, reversibly', () => {
    for (const s of ['api.example.com', 'a*b>c', 'with space', '100%', '', 'plain-name']) {
      const token = encodeSubjectToken(s);
      assert.doesNotMatch(token, /[.*>\s]/);
      assert.ok(token.length > 0);
      assert.equal(decodeSubjectToken(token), s);
    }
    assert.equal(eventSubject('identity', 'EndpointUpserted', 'endpoint/x/web.v2'), 'netledger.identity.v1.EndpointUpserted.endpoint.x.web%2Ev2');
  });
});
