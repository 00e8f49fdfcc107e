// One connection attempt, run inside a pod's network namespace (ip netns exec) or on the host.
// Plain JavaScript so it starts fast. Prints one JSON line:
//   {"result":"connected|refused|timed-out|error","ms":1.2,"reply":"...","localIp":"...","localPort":1234}
// Usage: probe-client.mjs --to IP:PORT --proto tcp|udp --timeout-ms N [--http] [--payload TEXT]
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';

function fail(message) {
  process.stdout.write(`${JSON.stringify({ result: 'error', ms: 0, error: message })}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      to: { type: 'string' },
      proto: { type: 'string', default: 'tcp' },
      'timeout-ms': { type: 'string', default: '2000' },
      http: { type: 'boolean', default: false },
      payload: { type: 'string', default: 'ping' },
    },
    strict: true,
  }));
} catch (e) {
  fail(e.message);
}
const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(values.to ?? '');
if (!m) fail(`--to: expected IPv4:PORT, got ${JSON.stringify(values.to)}`);
const ip = m[1];
const port = Number(m[2]);
const timeoutMs = Number(values['timeout-ms']);
if (!Number.isInteger(timeoutMs) || timeoutMs < 1) fail(`--timeout-ms: expected a positive integer, got ${JSON.stringify(values['timeout-ms'])}`);
if (values.proto !== 'tcp' && values.proto !== 'udp') fail(`--proto: expected tcp or udp, got ${JSON.stringify(values.proto)}`);

const started = performance.now();
const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
let done = false;

function finish(out) {
  if (done) return;
  done = true;
  process.stdout.write(`${JSON.stringify({ ...out, ms: out.ms ?? elapsed() })}\n`);
  process.exit(0);
}

function fromError(e) {
  if (e.code === 'ECONNREFUSED') return { result: 'refused' };
  if (e.code === 'ETIMEDOUT') return { result: 'timed-out' };
  return { result: 'error', error: e.code ?? e.message };
}

function probeTcp() {
  const socket = connect({ host: ip, port });
  let connectedAt;
  let local = {};
  const chunks = [];
  setTimeout(() => {
    socket.destroy();
    // Connected but no HTTP answer in time: the connection itself worked.
    if (connectedAt !== undefined) finish({ result: 'connected', ms: connectedAt, ...local, error: `no reply within ${timeoutMs} ms` });
    else finish({ result: 'timed-out' });
  }, timeoutMs).unref();
  socket.on('connect', () => {
    connectedAt = elapsed();
    local = { localIp: socket.localAddress, localPort: socket.localPort };
    if (!values.http) {
      socket.destroy();
      finish({ result: 'connected', ms: connectedAt, ...local });
      return;
    }
    socket.write(`GET / HTTP/1.0\r\nHost: ${ip}:${port}\r\n\r\n`);
  });
  socket.on('data', (c) => chunks.push(c));
  socket.on('end', () => {
    const text = Buffer.concat(chunks).toString();
    const at = text.indexOf('\r\n\r\n');
    finish({ result: 'connected', ms: connectedAt, ...local, reply: (at >= 0 ? text.slice(at + 4) : text).trim() });
  });
  socket.on('error', (e) => {
    if (connectedAt !== undefined) finish({ result: 'connected', ms: connectedAt, ...local, error: e.code ?? e.message });
    else finish(fromError(e));
  });
}

function probeUdp() {
  const socket = createSocket('udp4');
  let local = {};
  setTimeout(() => {
    socket.close();
    finish({ result: 'timed-out', ...local });
  }, timeoutMs).unref();
  // ICMP port unreachable arrives as ECONNREFUSED on a connected socket.
  socket.on('error', (e) => finish({ ...fromError(e), ...local }));
  socket.on('message', (msg) => finish({ result: 'connected', ...local, reply: msg.toString() }));
  socket.connect(port, ip, () => {
    const a = socket.address();
    local = { localIp: a.address, localPort: a.port };
    socket.send(values.payload);
  });
}

if (values.proto === 'tcp') probeTcp();
else probeUdp();
