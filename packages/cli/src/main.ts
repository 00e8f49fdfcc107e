// Composition root of the netledger command.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, DataDir, DEFAULT_DATA_DIR } from '@netledger/runtime';
import { CliError, UsageError } from './cli-error.js';
import { down, DOWN_HELP } from './commands/down.js';
import { eventsTail, EVENTS_TAIL_HELP } from './commands/events-tail.js';
import { history, HISTORY_HELP } from './commands/history.js';
import { status, STATUS_HELP } from './commands/status.js';
import { defaultNodeName, up, UP_HELP } from './commands/up.js';
import { parseOutput } from './output.js';

const HELP = `netledger: an event-sourced, eBPF-based networking control plane for Kubernetes

Usage: netledger [--data-dir DIR] COMMAND [flags]

Local stack:
  up                 run the local stack (nats-server, Kubernetes API, identity/policy/lb services, node agent)
  down               stop a stack started with up --detach
  status             health of every component, log sequences, consumer lag

Event log:
  events tail        print (and follow) events from the services' logs
  history STREAM     every event of one stream, e.g. history identity/2

Global flags:
  --data-dir DIR     where the stack keeps its state (default ${DEFAULT_DATA_DIR})
  -h, --help         help for netledger or a command
  --version          print the version

Run netledger COMMAND --help for a command's flags. Docs: docs/ in the repository.`;

const COMMAND_HELP: Record<string, string> = {
  up: UP_HELP,
  down: DOWN_HELP,
  status: STATUS_HELP,
  events: EVENTS_TAIL_HELP,
  history: HISTORY_HELP,
};

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      detach: { type: 'boolean', short: 'd' },
      'no-demo': { type: 'boolean' },
      'nats-port': { type: 'string' },
      'apiserver-port': { type: 'string' },
      db: { type: 'string' },
      node: { type: 'string' },
      service: { type: 'string' },
      since: { type: 'string' },
      follow: { type: 'boolean', short: 'f' },
      n: { type: 'string', short: 'n' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.version) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    console.log(`netledger ${pkg.version}`);
    return 0;
  }
  if (!command || (values.help && !COMMAND_HELP[command])) {
    console.log(HELP);
    return command || values.help ? 0 : 2;
  }
  if (values.help) {
    console.log(COMMAND_HELP[command]);
    return 0;
  }
  const dataDir = new DataDir(values['data-dir'] ?? DEFAULT_DATA_DIR);
  const output = parseOutput(values.output);
  switch (command) {
    case 'up':
      return up({
        dataDir,
        detach: values.detach ?? false,
        demo: !values['no-demo'],
        natsPort: integer('nats-port', values['nats-port'] ?? '4222', 1, 65535),
        apiServerPort: integer('apiserver-port', values['apiserver-port'] ?? '6443', 1, 65535),
        db: values.db,
        node: values.node ?? defaultNodeName(),
        argv,
      });
    case 'down':
      return down(dataDir);
    case 'status':
      return status(dataDir, output);
    case 'events':
      if (rest[0] !== 'tail') throw new UsageError(`events ${rest[0] ?? ''}: the only subcommand is events tail`);
      return eventsTail({
        dataDir,
        service: values.service,
        since: values.since,
        count: integer('n', values.n ?? '20', 1, 1_000_000),
        follow: values.follow ?? false,
        output,
      });
    case 'history':
      return history(dataDir, rest[0], values.service, output);
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} ${raw}: expected an integer from ${min} to ${max}`);
  return n;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // Our typed errors (they carry a string `code`) explain themselves: no stack trace.
    const typed = e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
    if (e instanceof CliError || e instanceof ConfigError || e instanceof TypeError || typed) {
      process.stderr.write(`netledger: ${e.message}\n`);
      process.exitCode = e instanceof CliError ? e.exitCode : 2;
    } else {
      process.stderr.write(`netledger: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
