// The built-in images and the probe client in the host's network namespace (no privileges).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ECHO_IMAGE, IMAGE_SCRIPTS, probe } from '../src/index.js';

function freePort(kind: 'tcp' | 'udp'): Promise<number> {
  return new Promise((resolve, reject) => {
    if (kind === 'tcp') {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    } else {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
    }
  });
}

describe('netledger/echo and the probe client', () => {
  let echo: ChildProcess;
  let tcpPort: number;
  let udpPort: number;
  const lines: string[] = [];

  before(async () => {
    tcpPort = await freePort('tcp');
    udpPort = await freePort('udp');
    echo = spawn(process.execPath, [IMAGE_SCRIPTS[ECHO_IMAGE] as string], {
      env: { NL_POD: 'echo-x', NL_NAMESPACE: 'ns1', NL_NODE: 'n1', NL_POD_IP: '10.200.0.9', NL_PORTS: `tcp:${tcpPort},udp:${udpPort}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      echo.once('exit', (code) => reject(new Error(`echo exited with ${code}`)));
      echo.stdout?.setEncoding('utf8').on('data', (d: string) => {
        lines.push(...d.trim().split('\n'));
        if (lines.includes('ready')) resolve();
      });
    });
  });
  after(() => {
    echo?.kill('SIGTERM');
  });

  test('echo prints a listening line per port, then ready', () => {
    assert.deepEqual(lines, [`listening tcp:${tcpPort}`, `listening udp:${udpPort}`, 'ready']);
  });

  test('TCP with --http: the reply names the pod that answered', async () => {
    const r = await probe({ to: { ip: '127.0.0.1', port: tcpPort }, proto: 'tcp', timeoutMs: 5000, http: true });
    assert.equal(r.result, 'connected');
    assert.equal(r.localIp, '127.0.0.1');
    assert.equal(typeof r.localPort, 'number');
    assert.equal(typeof r.ms, 'number');
    assert.deepEqual(JSON.parse(r.reply ?? ''), { pod: 'echo-x', namespace: 'ns1', node: 'n1', ip: '10.200.0.9', port: tcpPort });
  });

  test('UDP: the reply is the pod name and the payload', async () => {
    const r = await probe({ to: { ip: '127.0.0.1', port: udpPort }, proto: 'udp', timeoutMs: 5000, payload: 'abc' });
    assert.equal(r.result, 'connected');
    assert.equal(r.reply, 'echo-x abc');
  });

  test('closed ports are refused, over TCP and UDP', async () => {
    const closedTcp = await freePort('tcp');
    const closedUdp = await freePort('udp');
    assert.equal((await probe({ to: { ip: '127.0.0.1', port: closedTcp }, proto: 'tcp', timeoutMs: 5000 })).result, 'refused');
    assert.equal((await probe({ to: { ip: '127.0.0.1', port: closedUdp }, proto: 'udp', timeoutMs: 5000 })).result, 'refused');
  });

  test('a UDP server that never answers is a timeout', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
    try {
      const r = await probe({ to: { ip: '127.0.0.1', port: silent.address().port }, proto: 'udp', timeoutMs: 200 });
      assert.equal(r.result, 'timed-out');
    } finally {
      silent.close();
    }
  });

  test('a probe that cannot run is an error result naming why', async () => {
    const r = await probe({ netns: 'nl-does-not-exist', to: { ip: '127.0.0.1', port: tcpPort }, proto: 'tcp', timeoutMs: 500 });
    assert.equal(r.result, 'error');
    assert.ok(r.error && r.error.length > 0);
  });
});
