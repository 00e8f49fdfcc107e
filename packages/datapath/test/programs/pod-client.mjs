// Clients for the privileged datapath tests (plain JS, run with `ip netns exec` or on the host):
//   node pod-client.mjs tcp HOST PORT COUNT TIMEOUT_MS   COUNT sequential connections; JSON array
//   node pod-client.mjs udp HOST PORT COUNT TIMEOUT_MS   COUNT datagrams from one socket; JSON array
//   node pod-client.mjs hold HOST PORT COUNT TIMEOUT_MS  COUNT connections kept open: one JSON line
//       per round; a line on stdin starts the next round, end of stdin ends it
// Each result: { result: 'connected'|'refused'|'timed-out'|'error', reply?, from? }.
import dgram from 'node:dgram';
import net from 'node:net';
import { createInterface } from 'node:readline';

const [mode, host, portText, countText = '1', timeoutText = '2000'] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const timeout = Number(timeoutText);

function tcpOnce() {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (r) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ result: 'timed-out' }), timeout);
    sock.on('connect', () => sock.write('hi\n'));
    sock.on('data', (d) => done({ result: 'connected', reply: d.toString().trim(), local: `${sock.localAddress}:${sock.localPort}` }));
    sock.on('error', (e) => done({ result: e.code === 'ECONNREFUSED' ? 'refused' : 'error', error: e.code ?? e.message }));
  });
}

function udpOnce(sock) {
  return new Promise((resolve) => {
    const onMessage = (msg, rinfo) => done({ result: 'connected', reply: msg.toString(), from: `${rinfo.address}:${rinfo.port}` });
    const done = (r) => {
      clearTimeout(timer);
      sock.off('message', onMessage);
      resolve(r);
    };
    const timer = setTimeout(() => done({ result: 'timed-out' }), timeout);
    sock.on('message', onMessage);
    sock.send('hi', port, host, (e) => e && done({ result: 'error', error: e.code ?? e.message }));
  });
}

async function hold() {
  const socks = [];
  const lines = [];
  for (let i = 0; i < count; i++) {
    const r = await new Promise((resolve) => {
      const sock = net.connect({ host, port });
      const timer = setTimeout(() => resolve({ result: 'timed-out' }), timeout);
      sock.once('connect', () => {
        clearTimeout(timer);
        const rl = createInterface({ input: sock });
        rl.on('line', (l) => lines[i]?.(l));
        rl.on('error', () => lines[i]?.(undefined));
        sock.on('error', () => lines[i]?.(undefined));
        sock.on('close', () => lines[i]?.(undefined));
        socks[i] = sock;
        resolve({ result: 'connected' });
      });
      sock.once('error', (e) => resolve({ result: 'error', error: e.code }));
    });
    if (r.result !== 'connected') socks[i] = undefined;
  }
  const round = async (n) => {
    const out = await Promise.all(
      socks.map(
        (sock, i) =>
          new Promise((resolve) => {
            if (!sock || sock.destroyed) return resolve({ result: 'error', error: 'closed' });
            const timer = setTimeout(() => resolve({ result: 'timed-out' }), timeout);
            lines[i] = (l) => {
              clearTimeout(timer);
              lines[i] = undefined;
              resolve(l === undefined ? { result: 'error', error: 'closed' } : { result: 'connected', reply: l });
            };
            sock.write(`round${n}\n`);
          }),
      ),
    );
    process.stdout.write(`${JSON.stringify(out)}\n`);
  };
  await round(1);
  let n = 1;
  for await (const _ of createInterface({ input: process.stdin })) await round(++n);
  for (const s of socks) s?.destroy();
}

if (mode === 'tcp') {
  const out = [];
  for (let i = 0; i < count; i++) out.push(await tcpOnce());
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else if (mode === 'udp') {
  const sock = dgram.createSocket('udp4');
  const out = [];
  for (let i = 0; i < count; i++) out.push(await udpOnce(sock));
  sock.close();
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else if (mode === 'hold') {
  await hold();
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
