import { isAbsolute } from 'node:path';
import { CNI_ERROR_CODES, CniError } from './cni-error.js';

export const CNI_COMMANDS = ['ADD', 'DEL', 'CHECK', 'VERSION'] as const;
export type CniCommand = (typeof CNI_COMMANDS)[number];

/** The CNI_* variables of one ADD, DEL or CHECK, validated. */
export interface CniInvocation {
  readonly command: Exclude<CniCommand, 'VERSION'>;
  readonly containerId: string;
  /** Absent only on DEL (the runtime may have lost the netns). */
  readonly netns: string | undefined;
  readonly ifname: string;
  /** CNI_ARGS (`K8S_POD_NAMESPACE`, `K8S_POD_NAME`, ...). */
  readonly args: ReadonlyMap<string, string>;
}

type Env = Readonly<Record<string, string | undefined>>;

// The spec's rule for container ids.
const CONTAINER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** CNI_COMMAND; code 4 when missing or not one of ADD, DEL, CHECK, VERSION (GC and STATUS included). */
export function parseCniCommand(env: Env): CniCommand {
  const command = env['CNI_COMMAND'];
  if (command === undefined || command === '') invalidEnv('CNI_COMMAND: missing');
  if (!(CNI_COMMANDS as readonly string[]).includes(command)) {
    invalidEnv(`CNI_COMMAND: unsupported command ${JSON.stringify(command)} (netledger-cni supports ${CNI_COMMANDS.join(', ')})`);
  }
  return command as CniCommand;
}

/** The variables of an ADD, DEL or CHECK; code 4 naming the variable when one is missing or malformed. */
export function parseCniInvocation(command: Exclude<CniCommand, 'VERSION'>, env: Env): CniInvocation {
  const containerId = env['CNI_CONTAINERID'] ?? '';
  if (containerId === '') invalidEnv('CNI_CONTAINERID: missing');
  if (!CONTAINER_ID.test(containerId)) {
    invalidEnv(`CNI_CONTAINERID: ${JSON.stringify(containerId)} is not a container id (letters, digits, _ . -; starting with a letter or digit)`);
  }
  const netnsValue = env['CNI_NETNS'];
  const netns = netnsValue === undefined || netnsValue === '' ? undefined : netnsValue;
  if (netns === undefined && command !== 'DEL') invalidEnv('CNI_NETNS: missing');
  if (netns !== undefined && !isAbsolute(netns)) invalidEnv(`CNI_NETNS: ${JSON.stringify(netns)} is not an absolute path`);
  const ifname = env['CNI_IFNAME'] ?? '';
  const bad = interfaceNameProblem(ifname);
  if (bad) invalidEnv(`CNI_IFNAME: ${JSON.stringify(ifname)} ${bad}`);
  return Object.freeze({ command, containerId, netns, ifname, args: parseCniArgs(env['CNI_ARGS'] ?? '') });
}

/** `K=V;K2=V2` as a map; code 4 for a pair without `=`. */
export function parseCniArgs(text: string): ReadonlyMap<string, string> {
  const args = new Map<string, string>();
  for (const pair of text.split(';')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) invalidEnv(`CNI_ARGS: ${JSON.stringify(pair)} is not KEY=VALUE`);
    args.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return args;
}

/** Why `name` cannot be a Linux interface name (the spec's rules), or undefined. */
export function interfaceNameProblem(name: string): string | undefined {
  if (name === '') return 'is missing';
  if (name === '.' || name === '..') return 'is not an interface name';
  if (name.length > 15) return 'is longer than 15 characters';
  if (/[/:\s]/.test(name)) return 'contains "/", ":" or whitespace';
  return undefined;
}

function invalidEnv(message: string): never {
  throw new CniError(CNI_ERROR_CODES.INVALID_ENVIRONMENT, message);
}
