// The observe bench's follower: what `netledger observe -f` does with the stream, in a child
// process of its own (plain JavaScript run by node, so no tsx cost lands in it or in the bench).
// Subscribes to netledger.flows.> (skipping the query subject, as observe does), parses each
// flow and counts it. Prints `{"ready":true}` once the server has the subscription; then for each
// `report` line on stdin one line `{"received":N,"lastNs":"T"}` (T: process.hrtime.bigint() of
// the last flow received, CLOCK_MONOTONIC, the same clock in every process of the machine, "0"
// before the first). Exits when stdin closes.
// Usage: flow-subscriber.mjs --server nats://HOST:PORT
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';

const { values } = parseArgs({ options: { server: { type: 'string' } }, strict: true });
if (!values.server) {
  process.stderr.write('flow-subscriber: --server nats://HOST:PORT is required\n');
  process.exit(2);
}

const QUERY_SUBJECT = 'netledger.flows.query';
let received = 0;
let malformed = 0;
let lastNs = 0n;

const nc = await connect({ servers: values.server, name: 'observe-bench-follower' });
nc.subscribe('netledger.flows.>', {
  callback: (err, msg) => {
    if (err || msg.subject === QUERY_SUBJECT) return;
    try {
      const flow = JSON.parse(msg.string());
      if (typeof flow?.node !== 'string' || typeof flow.seq !== 'string') throw new Error('not a flow');
    } catch {
      malformed += 1;
      return;
    }
    received += 1;
    lastNs = process.hrtime.bigint();
  },
});
// The subscription is on the server once a ping round trip after it returns.
await nc.flush();
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'report') process.stdout.write(`${JSON.stringify({ received, malformed, lastNs: lastNs.toString() })}\n`);
});
lines.on('close', async () => {
  await nc.close();
  process.exit(0);
});
