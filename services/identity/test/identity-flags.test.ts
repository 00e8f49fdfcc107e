import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@netledger/runtime';
import { parseDuration, parseIdentityArgs } from '../src/identity-flags.js';
import { IdentityOptionsError, resolveIdentityOptions } from '../src/identity-options.js';

describe('identity flags', () => {
  it('are taken out of argv, in both spellings, leaving the common flags', () => {
    const { options, rest } = parseIdentityArgs(['--data-dir', '/d', '--identity-gc-grace', '90s', '--identity-label-exclude=^version$,^build\\.', '--nats', 'x:1']);
    assert.deepEqual(rest, ['--data-dir', '/d', '--nats', 'x:1']);
    assert.equal(options.gcGraceMs, 90_000);
    assert.deepEqual(options.labelExclude?.map((r) => r.source), ['^version$', '^build\\.']);
  });

  it('leave the defaults alone when absent; an empty exclude list keeps every label', () => {
    assert.deepEqual(parseIdentityArgs([]).options, {});
    assert.deepEqual(parseIdentityArgs(['--identity-label-exclude', '']).options.labelExclude, []);
  });

  it('name the flag when a value is bad', () => {
    assert.throws(() => parseIdentityArgs(['--identity-gc-grace', 'soon']), (e: unknown) => e instanceof ConfigError && e.flag === 'identity-gc-grace');
    assert.throws(() => parseIdentityArgs(['--identity-label-exclude', 'a(']), (e: unknown) => e instanceof ConfigError && e.flag === 'identity-label-exclude');
    assert.throws(() => parseIdentityArgs(['--identity-gc-grace']), /needs a value/);
  });

  it('parse Go-style durations', () => {
    assert.equal(parseDuration('f', '15m'), 900_000);
    assert.equal(parseDuration('f', '1h30m'), 5_400_000);
    assert.equal(parseDuration('f', '500ms'), 500);
    assert.equal(parseDuration('f', '1.5s'), 1500);
    assert.equal(parseDuration('f', '0'), 0);
    assert.throws(() => parseDuration('f', '15'), ConfigError);
    assert.throws(() => parseDuration('f', '15m garbage'), ConfigError);
  });

  it('options reject a cluster range outside 256-65535', () => {
    assert.throws(() => resolveIdentityOptions({ clusterRange: { first: 100, last: 300 } }), IdentityOptionsError);
    assert.throws(() => resolveIdentityOptions({ clusterRange: { first: 300, last: 299 } }), /clusterRange/);
  });
});
