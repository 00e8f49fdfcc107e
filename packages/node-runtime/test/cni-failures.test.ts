// Privileged: a pod whose CNI ADD fails. A wrapper in front of netledger-cni injects the
// failures (try again later, then a hard error) and hands every other call to the real plugin.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CNI_PLUGIN_PATH } from '@netledger/cni';
import { PROBE_IMAGE } from '../src/index.js';
import { privilegedSkipReason, RuntimeFixture, waitFor } from './support/runtime-fixture.js';

const skip = privilegedSkipReason();

function wrapper(tmp: string): string {
  const path = join(tmp, 'flaky-cni');
  writeFileSync(
    path,
    `#!/bin/sh
dir=$(dirname "$0")
echo "$CNI_COMMAND" >> "$dir/calls"
if [ "$CNI_COMMAND" = ADD ]; then
  if [ -f "$dir/fail-hard" ]; then
    cat > /dev/null
    echo '{"cniVersion":"1.0.0","code":102,"msg":"attaching the datapath programs failed","details":"injected by the test"}'
    exit 1
  fi
  n=$(cat "$dir/try-again" 2>/dev/null || echo 0)
  if [ "$n" -gt 0 ]; then
    echo $((n - 1)) > "$dir/try-again"
    cat > /dev/null
    echo '{"cniVersion":"1.0.0","code":11,"msg":"datapath programs are not loaded yet"}'
    exit 1
  fi
fi
exec ${JSON.stringify(CNI_PLUGIN_PATH)}
`,
  );
  chmodSync(path, 0o755);
  return path;
}

describe('CNI failures (privileged)', { skip }, () => {
  let f: RuntimeFixture;
  const calls = (): string[] => readFileSync(join(f.tmp, 'calls'), 'utf8').trim().split('\n');

  before(async () => {
    f = await RuntimeFixture.create({ pluginPath: ({ tmp }) => wrapper(tmp) });
    await f.startRuntime();
  });
  after(async () => {
    await f?.cleanup();
  });

  test('"try again later" (code 11) is retried with backoff until ADD succeeds', async () => {
    writeFileSync(join(f.tmp, 'try-again'), '3');
    await f.createPod('patient', [{ name: 'probe', image: PROBE_IMAGE }]);
    const pod = await f.waitReady('patient');
    assert.ok(pod.status.podIP);
    assert.deepEqual(
      calls().filter((c) => c === 'ADD'),
      ['ADD', 'ADD', 'ADD', 'ADD'],
    );
    assert.ok(!calls().includes('DEL'), 'a try-again is not cleaned up with DEL');
    assert.ok(f.logs.some((l) => l.startsWith('INFO pod default/patient: CNI ADD says try again later (attempt 1)')));
  });

  test('any other CNI error is the pod status reason and a warning line, retried slowly, DEL after each failure', async () => {
    rmSync(join(f.tmp, 'calls'), { force: true });
    writeFileSync(join(f.tmp, 'fail-hard'), '');
    await f.createPod('unlucky', [{ name: 'probe', image: PROBE_IMAGE }]);
    const failing = await waitFor('unlucky shows the failure', async () => {
      const pod = await f.getPod('unlucky');
      return pod?.status?.reason === 'FailedCreatePodSandBox' ? pod : undefined;
    });
    assert.equal(failing.status.phase, 'Pending');
    assert.match(failing.status.message, /code 102: attaching the datapath programs failed/);
    assert.equal(failing.status.containerStatuses[0].state.waiting.reason, 'ContainerCreating');
    assert.ok(f.logs.some((l) => /^ERROR Warning FailedCreatePodSandBox pod\/default\/unlucky: .*code 102/.test(l)));
    await waitFor('a retry', () => calls().filter((c) => c === 'ADD').length >= 2);
    assert.ok(calls().includes('DEL'));

    rmSync(join(f.tmp, 'fail-hard'));
    const ready = await f.waitReady('unlucky');
    assert.equal(ready.status.reason, undefined, 'the reason is cleared once the pod runs');
    assert.equal(ready.status.message, undefined);
    assert.ok(existsSync(`/var/run/netns/${ready.metadata.annotations['netledger.io/netns']}`));
  });
});
