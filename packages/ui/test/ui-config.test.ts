import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@netledger/runtime';
import { parseUiArgs } from '../src/ui-config.js';

describe('parseUiArgs', () => {
  it('defaults: loopback, a free port, NATS from the stack file, the data dir kubeconfig', () => {
    const c = parseUiArgs(['--data-dir', '/tmp/stack'], undefined);
    assert.ok(c);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 0);
    assert.equal(c.natsServers, undefined);
    assert.equal(c.kubeconfig, '/tmp/stack/kubeconfig');
    assert.equal(c.exitWithParent, false);
    assert.ok(Object.isFrozen(c));
  });

  it('takes every flag, and $KUBECONFIG when --kubeconfig is not given', () => {
    const c = parseUiArgs(['--nats', 'nats://a:1,nats://b:2', '--host', '0.0.0.0', '--port', '8080', '--exit-with-parent'], '/etc/kube');
    assert.deepEqual(c?.natsServers, ['nats://a:1', 'nats://b:2']);
    assert.equal(c?.kubeconfig, '/etc/kube');
    assert.equal(c?.host, '0.0.0.0');
    assert.equal(c?.port, 8080);
    assert.equal(c?.exitWithParent, true);
    assert.equal(parseUiArgs(['--kubeconfig', '/k'], '/etc/kube')?.kubeconfig, '/k');
  });

  it('returns undefined for --help and refuses bad values naming the flag', () => {
    assert.equal(parseUiArgs(['--help'], undefined), undefined);
    assert.throws(() => parseUiArgs(['--port', '70000'], undefined), (e: unknown) => e instanceof ConfigError && /port/.test(e.message));
    assert.throws(() => parseUiArgs(['--nats', 'http://x'], undefined), (e: unknown) => e instanceof ConfigError && /nats/.test(e.message));
  });
});
