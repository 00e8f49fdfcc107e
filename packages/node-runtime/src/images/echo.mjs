// Image netledger/echo. Plain JavaScript so a pod starts in tens of milliseconds (no tsx).
// HTTP on every TCP port of NL_PORTS answers which backend served it; UDP ports echo the payload
// prefixed with the pod's name. Prints `listening <proto>:<port>` per port, then `ready`: the
// runtime reads that line from the container's log to mark the pod Ready.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';

const pod = process.env.NL_POD ?? '';
const namespace = process.env.NL_NAMESPACE ?? '';
const node = process.env.NL_NODE ?? '';
const podIp = process.env.NL_POD_IP ?? '';

function parsePorts(spec) {
  const ports = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(tcp|udp):(\d+)$/i.exec(part);
    if (!m) throw new Error(`NL_PORTS: expected proto:port items (tcp:8080,udp:53), got ${JSON.stringify(part)}`);
    ports.push({ proto: m[1].toLowerCase(), port: Number(m[2]) });
  }
  return ports;
}

function serveTcp(port) {
  const server = createServer((req, res) => {
    const body = JSON.stringify({ pod, namespace, node, ip: podIp || req.socket.localAddress, port });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) + 1 });
    res.end(`${body}\n`);
  });
  // Keep-alive connections stay open as long as the client keeps them (Node closes idle ones
  // after 5 s by default): long-lived flows are what service and agent changes must not break.
  server.keepAliveTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}

function serveUdp(port) {
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    socket.send(`${pod} ${msg.toString()}`, rinfo.port, rinfo.address);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '0.0.0.0', () => resolve(socket));
  });
}

const servers = [];
for (const { proto, port } of parsePorts(process.env.NL_PORTS ?? '')) {
  servers.push(proto === 'tcp' ? await serveTcp(port) : await serveUdp(port));
  process.stdout.write(`listening ${proto}:${port}\n`);
}
const stop = () => {
  for (const s of servers) s.close();
  process.exit(0);
};
// Handlers before `ready`: a SIGTERM right after it must still exit with code 0.
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Nothing else keeps a port-less echo pod alive.
if (servers.length === 0) setInterval(() => undefined, 1 << 30);
process.stdout.write('ready\n');
