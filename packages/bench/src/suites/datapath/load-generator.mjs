// The datapath bench's client, run inside the client pod's network namespace (ip netns exec).
// Plain JavaScript, so it starts fast and nothing but node runs in the pod. C loops each open a
// new TCP connection, send `GET /`, read the response to its end and close; the latency of one
// request is from the connect() call to the response's last byte. Requests that start during the
// warm-up are not counted. Prints one JSON line on stdout:
//   {"requests","errors","firstError","seconds","connPerS","p50Ms","p99Ms","maxMs"}
// Usage: load-generator.mjs --to IP:PORT --concurrency N --seconds S [--warmup-ms MS]
import { connect } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    to: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '5' },
    'warmup-ms': { type: 'string', default: '500' },
    'timeout-ms': { type: 'string', default: '5000' },
  },
  strict: true,
});

function positive(name, text) {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`load-generator: --${name}: expected a non-negative number, got ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return n;
}

const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(values.to ?? '');
if (!m) {
  process.stderr.write(`load-generator: --to: expected IPv4:PORT, got ${JSON.stringify(values.to)}\n`);
  process.exit(2);
}
const host = m[1];
const port = Number(m[2]);
const concurrency = positive('concurrency', values.concurrency);
const seconds = positive('seconds', values.seconds);
const warmupMs = positive('warmup-ms', values['warmup-ms']);
const timeoutMs = positive('timeout-ms', values['timeout-ms']);
const request = Buffer.from(`GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`);

/**
 * Log-linear latency histogram in microseconds: exact below 1,024 us, then 128 buckets per
 * power of two (under 1% error), so a run of any length costs a few KB and no sort.
 */
class Histogram {
  static SUB = 128;
  counts = new Float64Array(64 * Histogram.SUB);
  total = 0;
  max = 0;

  record(us) {
    const v = Math.max(0, Math.round(us));
    this.counts[Histogram.index(v)] += 1;
    this.total += 1;
    if (v > this.max) this.max = v;
  }

  static index(v) {
    if (v < 1024) return v;
    const exp = 31 - Math.clz32(v); // >= 10
    const sub = (v >>> (exp - 7)) & (Histogram.SUB - 1);
    return 1024 + (exp - 10) * Histogram.SUB + sub;
  }

  // The upper edge of bucket i, so a quantile is never under-reported.
  static upper(i) {
    if (i < 1024) return i;
    const exp = 10 + Math.floor((i - 1024) / Histogram.SUB);
    const sub = (i - 1024) % Histogram.SUB;
    return (Histogram.SUB + sub + 1) * 2 ** (exp - 7) - 1;
  }

  /** The q-quantile (0..1) in microseconds, by nearest rank. */
  quantile(q) {
    if (this.total === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(Histogram.upper(i), this.max);
    }
    return this.max;
  }
}

const histogram = new Histogram();
let errors = 0;
let firstError;
const started = performance.now();
const measureFrom = started + warmupMs;
const stopAt = measureFrom + seconds * 1000;

// One request on a new connection; resolves when it is over, whatever happened.
function once() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = connect({ host, port });
    let bytes = 0;
    let finished = false;
    const done = (error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      if (t0 >= measureFrom) {
        if (error) {
          errors += 1;
          firstError ??= error;
        } else histogram.record((performance.now() - t0) * 1000);
      }
      resolve();
    };
    const timer = setTimeout(() => done(`no response within ${timeoutMs} ms`), timeoutMs);
    socket.setNoDelay(true);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => (bytes += chunk.length));
    socket.on('end', () => done(bytes > 0 ? undefined : 'connection closed without a response'));
    socket.on('error', (e) => done(e.code ?? e.message));
  });
}

async function loop() {
  while (performance.now() < stopAt) await once();
}

await Promise.all(Array.from({ length: concurrency }, loop));
const measured = (performance.now() - measureFrom) / 1000;
const ms = (us) => Math.round(us) / 1000;
process.stdout.write(
  `${JSON.stringify({
    requests: histogram.total,
    errors,
    firstError,
    seconds: measured,
    connPerS: histogram.total / measured,
    p50Ms: ms(histogram.quantile(0.5)),
    p99Ms: ms(histogram.quantile(0.99)),
    maxMs: ms(histogram.max),
  })}\n`,
);
