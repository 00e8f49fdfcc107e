// netledger-cni: config on stdin, CNI_* in the environment, the result or a CNI error on
// stdout. Every input is parsed here, once, and passed down.
import { CNI_ERROR_CODES, CniError, type CniErrorResult } from './cni-error.js';
import { parseCniConfigText } from './cni-config.js';
import { parseCniCommand, parseCniInvocation } from './cni-env.js';
import { DEFAULT_CNI_VERSION } from './cni-version.js';
import { cniAdd } from './commands/cni-add.js';
import { cniCheck } from './commands/cni-check.js';
import { cniDel } from './commands/cni-del.js';
import { cniVersionInfo, requestedVersion } from './commands/cni-version-info.js';
import type { PluginContext } from './commands/plugin-context.js';
import { IpRunner } from './net/ip-runner.js';
import { pathWithToolDirs, resolveTools } from './net/tools.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

async function run(stdin: string): Promise<void> {
  const command = parseCniCommand(process.env);
  if (command === 'VERSION') {
    print(cniVersionInfo(stdin));
    return;
  }
  const config = parseCniConfigText(stdin);
  const invocation = parseCniInvocation(command, process.env);
  const tools = resolveTools(process.env['PATH']);
  // The datapath package runs `tc` by name: runtimes often call plugins with a PATH that
  // lacks the sbin directories.
  process.env['PATH'] = pathWithToolDirs(process.env['PATH']);
  const ctx: PluginContext = {
    config,
    invocation,
    tools,
    ip: new IpRunner(tools),
    // Loaded here, not at the top: VERSION and the argument errors do without the datapath package.
    programs: (await import('./datapath/datapath-endpoint-programs.js')).datapathEndpointPrograms,
    pid: process.pid,
    now: () => new Date(),
  };
  switch (invocation.command) {
    case 'ADD':
      print(cniAdd(ctx));
      return;
    case 'DEL':
      cniDel(ctx);
      return;
    case 'CHECK':
      cniCheck(ctx);
      return;
  }
}

function printError(e: unknown, stdin: string): void {
  const err = e instanceof CniError ? e : new CniError(CNI_ERROR_CODES.INTERNAL, `netledger-cni: ${(e as Error).message}`, (e as Error).stack);
  const out: CniErrorResult = {
    cniVersion: requestedVersion(stdin) ?? DEFAULT_CNI_VERSION,
    code: err.code,
    msg: err.message,
    ...(err.details !== undefined ? { details: err.details } : {}),
  };
  print(out);
  process.exitCode = 1;
}

// No top-level await: the single-file bundle is CommonJS (an extensionless file in
// /opt/cni/bin has no package.json saying it is a module).
async function main(): Promise<void> {
  let stdin = '';
  try {
    stdin = await readStdin();
    await run(stdin);
  } catch (e) {
    printError(e, stdin);
  }
}

void main();
