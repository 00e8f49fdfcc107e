import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { netnsNameFor, netnsPath } from '../src/index.js';
import { netnsNameOf } from '../src/netns.js';

test('netnsNameFor: nl- and the first 12 hex digits of sha256(namespace/name/uid)', () => {
  const expected = `nl-${createHash('sha256').update('default/echo-a/1234-uid').digest('hex').slice(0, 12)}`;
  assert.equal(netnsNameFor('default', 'echo-a', '1234-uid'), expected);
  assert.match(expected, /^nl-[0-9a-f]{12}$/);
  assert.notEqual(netnsNameFor('default', 'echo-a', 'other-uid'), expected, 'a recreated pod gets another namespace');
  assert.equal(netnsPath(expected), `/var/run/netns/${expected}`);
  assert.equal(netnsNameOf(netnsPath(expected)), expected);
  assert.equal(netnsNameOf(expected), expected);
});
