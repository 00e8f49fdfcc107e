import { credentialsIn, provisionNatsCredentials, removeNatsCredentials } from '@netledger/bus';
import { NATS_ROLES, type NatsRole } from '@netledger/contracts';
import { isAlive, readRunFiles, type DataDir } from '@netledger/runtime';
import { CliError, UsageError } from '../cli-error.js';
import { printJson, table, type OutputFormat } from '../output.js';

export const CREDENTIALS_ADD_HELP = `Usage: netledger credentials add NAME [--role ROLE] [--node NODE] [-o json]

Issues NATS credentials to a new user, e.g. an external subscriber: writes
DATA-DIR/credentials/NAME.json (an NKEY seed, mode 0600; hand it to the user) and adds the
user's public key and permissions to the server's config (DATA-DIR/nats-auth.conf). A running
stack's nats-server reloads it at once (SIGHUP); otherwise it takes effect at the next up.
An existing user keeps its key.
  --role subscriber  reads every service's events, publishes nothing, no flows (default)
  --role observer    a subscriber that may also read flows (netledger.flows.>)
  --role admin       everything
  --role agent --node NODE   a node agent: reads events, publishes NODE's flows
  --role service-identity|service-policy|service-lb   that service's relay
The last two prepare a deployment's users (netledger up writes the local stack's own).
Roles and their exact permissions: docs/security.md.`;

export const CREDENTIALS_LIST_HELP = `Usage: netledger credentials list [-o json]

Lists the NATS users of the stack (DATA-DIR/credentials): name, role, public key and inbox
prefix. Seeds are never printed.`;

export const CREDENTIALS_REMOVE_HELP = `Usage: netledger credentials remove NAME

Revokes a user: deletes DATA-DIR/credentials/NAME.json and removes the user from the server's
config; a running nats-server reloads it and closes the user's connections. The stack's own
users (identity, policy, lb, agent-<node>, observer, subscriber, admin) come back at the next up.`;


export interface CredentialsAddOptions {
  readonly dataDir: DataDir;
  readonly name: string | undefined;
  readonly role: string | undefined;
  readonly node: string | undefined;
  readonly output: OutputFormat;
}

/** `netledger credentials add`: exit code 0 with the file's path printed. */
export async function credentialsAdd(options: CredentialsAddOptions): Promise<number> {
  if (options.name === undefined) throw new UsageError('credentials add needs a user NAME');
  const role = options.role ?? 'subscriber';
  if (!isNatsRole(role)) throw new UsageError(`--role ${role}: expected ${NATS_ROLES.join(', ')}`);
  if ((role === 'agent') !== (options.node !== undefined)) throw new UsageError(role === 'agent' ? '--role agent needs --node NODE' : `--node: only for --role agent`);
  const { dataDir } = options;
  let file: string;
  try {
    const spec = { user: options.name, role, ...(options.node !== undefined ? { node: options.node } : {}) };
    const done = provisionNatsCredentials({ dir: dataDir.credentials, users: [spec], serverConfigFile: dataDir.natsAuthConfig, jetStreamStoreDir: dataDir.natsStore });
    file = done.files.get(options.name)!;
  } catch (e) {
    throw new CliError(`credentials add ${options.name}: ${(e as Error).message}`);
  }
  const reloaded = reloadNats(dataDir);
  if (options.output === 'json') printJson({ user: options.name, role, ...(options.node !== undefined ? { node: options.node } : {}), file, reloaded });
  else console.log(`${file}\n${reloaded ? 'nats-server reloaded its users' : 'no nats-server runs from this data dir: the user can connect after the next netledger up'}`);
  return 0;
}

/** `netledger credentials list`. */
export async function credentialsList(options: { readonly dataDir: DataDir; readonly output: OutputFormat }): Promise<number> {
  const users = [...credentialsIn(options.dataDir.credentials).values()].map((c) => ({ user: c.user, role: c.role, publicKey: c.publicKey, inboxPrefix: c.inboxPrefix }));
  if (options.output === 'json') printJson(users);
  else if (users.length === 0) console.log(`no NATS users in ${options.dataDir.credentials} (netledger up writes them)`);
  else console.log(table(['USER', 'ROLE', 'PUBLIC KEY', 'INBOX'], users.map((u) => [u.user, u.role, u.publicKey, u.inboxPrefix])));
  return 0;
}

/** `netledger credentials remove`: exit code 0, or 1 when there was no such user. */
export async function credentialsRemove(options: { readonly dataDir: DataDir; readonly name: string | undefined }): Promise<number> {
  if (options.name === undefined) throw new UsageError('credentials remove needs a user NAME');
  const { dataDir } = options;
  let removed: boolean;
  try {
    removed = removeNatsCredentials(dataDir.credentials, options.name);
  } catch (e) {
    throw new CliError(`credentials remove ${options.name}: ${(e as Error).message}`);
  }
  if (!removed) {
    console.error(`no user ${options.name} in ${dataDir.credentials}`);
    return 1;
  }
  provisionNatsCredentials({ dir: dataDir.credentials, users: [], serverConfigFile: dataDir.natsAuthConfig, jetStreamStoreDir: dataDir.natsStore });
  const reloaded = reloadNats(dataDir);
  console.log(`removed ${options.name}${reloaded ? '; nats-server reloaded its users' : ''}`);
  return 0;
}

/** Tells the stack's nats-server to re-read its config; false when none runs from this data dir. */
function reloadNats(dataDir: DataDir): boolean {
  const nats = readRunFiles(dataDir).find((r) => r.kind === 'nats');
  if (!nats || !isAlive(nats.pid)) return false;
  process.kill(nats.pid, 'SIGHUP');
  return true;
}

function isNatsRole(s: string): s is NatsRole {
  return (NATS_ROLES as readonly string[]).includes(s);
}
