import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planReconcile, type ReconcileFacts } from '../src/internal/reconcile-plan.js';

const facts = (f: Partial<ReconcileFacts>): ReconcileFacts => ({
  streamLastSeq: 10,
  streamLastMsgId: 'E10',
  logLastSeq: 12,
  logPublishedSeq: 10,
  logIdAtStreamLast: 'E10',
  ...f,
});

describe('planReconcile', () => {
  it('publishes from the outbox when the stream ends where the outbox starts', () => {
    assert.deepEqual(planReconcile(facts({})), { kind: 'in-line' });
    assert.deepEqual(planReconcile(facts({ streamLastSeq: 0, streamLastMsgId: undefined, logPublishedSeq: 0, logIdAtStreamLast: undefined })), {
      kind: 'in-line',
    });
  });

  it('acknowledges what a dead relay published without acking', () => {
    assert.deepEqual(planReconcile(facts({ logPublishedSeq: 7 })), { kind: 'ack-published', upToSeq: 10 });
  });

  it('republishes what the stream lost', () => {
    assert.deepEqual(planReconcile(facts({ streamLastSeq: 0, streamLastMsgId: undefined, logIdAtStreamLast: undefined, logPublishedSeq: 12 })), {
      kind: 'republish',
      fromSeq: 1,
      toSeq: 12,
    });
    assert.deepEqual(planReconcile(facts({ streamLastSeq: 4, streamLastMsgId: 'E4', logIdAtStreamLast: 'E4', logPublishedSeq: 12 })), {
      kind: 'republish',
      fromSeq: 5,
      toSeq: 12,
    });
  });

  it('refuses a stream ahead of the log', () => {
    const plan = planReconcile(facts({ streamLastSeq: 13, streamLastMsgId: 'X', logIdAtStreamLast: undefined }));
    assert.equal(plan.kind, 'diverged');
    assert.match(plan.kind === 'diverged' ? plan.reason : '', /ahead of the log/);
  });

  it('refuses a stream whose last message is a different event than the log has at that seq', () => {
    const plan = planReconcile(facts({ streamLastMsgId: 'OTHER' }));
    assert.equal(plan.kind, 'diverged');
    assert.match(plan.kind === 'diverged' ? plan.reason : '', /stream seq 10 holds message id OTHER but the log has event E10/);
  });

  it('trusts the sequence when the stream no longer holds its last message', () => {
    assert.deepEqual(planReconcile(facts({ streamLastMsgId: undefined, logPublishedSeq: 8 })), { kind: 'ack-published', upToSeq: 10 });
  });
});
