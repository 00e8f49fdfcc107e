// Composition root of the netledger command.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, DataDir, DEFAULT_DATA_DIR } from '@netledger/runtime';
import { CliError, UsageError } from './cli-error.js';
import { COMMANDS } from './commands.js';
import { GLOBAL_OPTIONS, str, type CommandSpec } from './command-table.js';

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.words.join(' ').length)) + 2;
  const lines = COMMANDS.map((c) => `  ${c.words.join(' ').padEnd(width)} ${c.summary}`);
  return `netledger: an event-sourced, eBPF-based networking control plane for Kubernetes

Usage: netledger [--data-dir DIR] COMMAND [flags]

Commands:
${lines.join('\n')}

Global flags:
  --data-dir DIR     where the local stack keeps its state (default ${DEFAULT_DATA_DIR})
  -o, --output FMT   output format where a command has several (text, json, ...)
  -h, --help         help for netledger or a command
  --version          print the version

Run netledger COMMAND --help for a command's flags. Docs: docs/cli.md in the repository.`;
}

/** The command named by the first positional words, and the arguments after them. */
function findCommand(positionals: readonly string[]): { spec: CommandSpec; consumed: number } | undefined {
  let best: { spec: CommandSpec; consumed: number } | undefined;
  for (const spec of COMMANDS) {
    const n = spec.words.length;
    if (positionals.length >= n && spec.words.every((w, i) => positionals[i] === w) && (!best || n > best.consumed)) {
      best = { spec, consumed: n };
    }
  }
  return best;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--version')) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    console.log(`netledger ${pkg.version}`);
    return 0;
  }
  // A first, lenient pass finds the command words; the command's own flags are parsed after.
  const { positionals: loose } = parseArgs({ args: argv, options: GLOBAL_OPTIONS, strict: false, allowPositionals: true });
  const found = findCommand(loose.filter((p) => !p.startsWith('-')));
  if (!found) {
    const first = loose.find((p) => !p.startsWith('-'));
    const family = COMMANDS.filter((c) => c.words[0] === first);
    const wantsHelp = argv.includes('-h') || argv.includes('--help');
    if (wantsHelp && family.length) {
      console.log(family.map((c) => c.help).join('\n\n'));
      return 0;
    }
    if (!first || wantsHelp) {
      console.log(usage());
      return first || argv.length ? 0 : 2;
    }
    if (family.length) throw new UsageError(`${first}: expected one of ${family.map((c) => c.words.join(' ')).join(', ')}`);
    throw new UsageError(`unknown command ${first}`);
  }
  const { spec, consumed } = found;
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...GLOBAL_OPTIONS, ...spec.options },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    console.log(spec.help);
    return 0;
  }
  const dataDir = new DataDir(str(values, 'data-dir') ?? DEFAULT_DATA_DIR);
  return spec.run({ values, args: positionals.slice(consumed), dataDir, argv });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // Our typed errors (they carry a string `code`) explain themselves: no stack trace.
    const typed = e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
    if (e instanceof CliError || e instanceof ConfigError || e instanceof TypeError || typed) {
      process.stderr.write(`netledger: ${(e as Error).message}\n`);
      process.exitCode = e instanceof CliError ? e.exitCode : 2;
    } else {
      process.stderr.write(`netledger: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
