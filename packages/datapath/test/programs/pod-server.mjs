// A pod's servers for the privileged datapath tests (plain JS, run with `ip netns exec`):
//   node pod-server.mjs NAME TCP_PORTS UDP_PORTS     (ports comma-separated, may be empty)
// TCP: answers each line with "NAME <line>". UDP: answers each datagram with "NAME <text>".
// Prints "ready" once everything listens.
import dgram from 'node:dgram';
import net from 'node:net';

const [name = 'pod', tcp = '', udp = ''] = process.argv.slice(2);
const ports = (s) => s.split(',').filter(Boolean).map(Number);
const waits = [];
for (const port of ports(tcp)) {
  const server = net.createServer((sock) => {
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        sock.write(`${name} ${buf.slice(0, nl)}\n`);
        buf = buf.slice(nl + 1);
      }
    });
    sock.on('error', () => {});
  });
  waits.push(new Promise((r) => server.listen(port, '0.0.0.0', r)));
}
for (const port of ports(udp)) {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => sock.send(`${name} ${msg.toString()}`, rinfo.port, rinfo.address));
  waits.push(new Promise((r) => sock.bind(port, '0.0.0.0', r)));
}
await Promise.all(waits);
process.stdout.write('ready\n');
