// Prints every policy change as it happens, one line each, using @netledger/client.
//   node --import tsx examples/subscriber/print-policy-changes.ts [--from now|start|SEQ|TIME]
// See README.md beside this file.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connectNetledger, isNetledgerClientError, type StartPoint } from '@netledger/client';
import { formatPolicyChange } from './format-policy-change.js';

const HELP = `Usage: print-policy-changes [options]

Prints every policy change (PolicyAccepted, PolicyRejected, PolicyDeleted) as it happens.

Options:
  --nats URL          NATS server (default: natsUrl in DATA-DIR/stack.json)
  --credentials FILE  netledger credentials file (default: DATA-DIR/credentials/subscriber.json when it exists)
  --from WHERE        now (default), start, a log seq (e.g. 42), or a time (e.g. 2025-06-01T12:00:00Z)
  --data-dir DIR      the local stack's data directory (default: .netledger)
  -h, --help          this text
`;

interface Config {
  readonly natsUrl: string;
  readonly credentials: string | undefined;
  readonly from: StartPoint;
}

/** Flags and the data dir become one checked config here; nothing below reads argv or files. */
function configFrom(argv: readonly string[]): Config | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      nats: { type: 'string' },
      credentials: { type: 'string' },
      from: { type: 'string', default: 'now' },
      'data-dir': { type: 'string', default: '.netledger' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const dataDir = resolve(values['data-dir']);
  const natsUrl = values.nats ?? stackNatsUrl(dataDir);
  if (!natsUrl) throw new UsageError(`no --nats URL and no stack in ${dataDir} (start one with netledger up, or pass --nats)`);
  const defaultCredentials = join(dataDir, 'credentials', 'subscriber.json');
  const credentials = values.credentials ?? (existsSync(defaultCredentials) ? defaultCredentials : undefined);
  return Object.freeze({ natsUrl, credentials, from: startPoint(values.from) });
}

function startPoint(from: string): StartPoint {
  if (from === 'now' || from === 'start') return from;
  if (/^\d+$/.test(from)) return { seq: Number(from) };
  if (!Number.isNaN(Date.parse(from))) return { time: from };
  throw new UsageError(`--from ${from}: expected now, start, a seq or a time`);
}

function stackNatsUrl(dataDir: string): string | undefined {
  try {
    const stack = JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as { natsUrl?: unknown };
    return typeof stack.natsUrl === 'string' ? stack.natsUrl : undefined;
  } catch {
    return undefined;
  }
}

class UsageError extends Error {}

async function main(): Promise<void> {
  const config = configFrom(process.argv.slice(2));
  if (!config) {
    process.stdout.write(HELP);
    return;
  }
  const client = await connectNetledger({
    servers: config.natsUrl,
    name: 'print-policy-changes',
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  const subscription = client.subscribe({
    services: ['policy'],
    from: config.from,
    signal: stop.signal,
    onMalformed: (e) => process.stderr.write(`skipped: ${e.message}\n`),
    onError: (e) => process.stderr.write(`${e.message}\n`),
  });
  process.stderr.write(`watching policy changes on ${config.natsUrl}${config.credentials ? ` as ${config.credentials}` : ''}\n`);
  for await (const event of subscription) process.stdout.write(formatPolicyChange(event) + '\n');
  // Where to pick up next time: the seq after the last one printed.
  const last = subscription.position().policy;
  if (last !== undefined) process.stderr.write(`stopped; resume with --from ${last + 1}\n`);
  await client.close();
}

main().catch((e: unknown) => {
  // Our own and the libraries' named errors (they have a code) say what is wrong; anything else is a bug: show the stack.
  const known = e instanceof UsageError || isNetledgerClientError(e) || (e instanceof Error && 'code' in e);
  process.stderr.write(`print-policy-changes: ${known ? (e as Error).message : String((e as Error)?.stack ?? e)}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
