// The datapath bench's server, run inside the server pod's network namespace (ip netns exec):
// plain node http answering every request with a short body and `Connection: close`, so each
// request the client makes is a new connection through the datapath. Prints `listening` on
// stdout once it accepts connections on every port; the bench kills it when done.
// Usage: echo-server.mjs --port N [--port N...]
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', multiple: true, default: ['8080'] } }, strict: true });
const body = Buffer.from('ok\n');

function answer(_req, res) {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length, Connection: 'close' });
  res.end(body);
}

let waiting = values.port.length;
for (const port of values.port) {
  createServer(answer).listen({ host: '0.0.0.0', port: Number(port) }, () => {
    if (--waiting === 0) process.stdout.write('listening\n');
  });
}
