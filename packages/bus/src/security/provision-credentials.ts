import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NATS_CREDENTIALS_API_VERSION, NatsCredentialsError, parseNatsCredentials, type NatsCredentials, type NatsRole } from '@netledger/contracts';
import { nkeys } from '@nats-io/transport-node';
import { natsServerConfig, type NatsServerUser } from './nats-auth-config.js';
import { natsPermissions } from './nats-permissions.js';

/** One user to provision: its file is `<dir>/<user>.json`. */
export interface NatsUserSpec {
  readonly user: string;
  readonly role: NatsRole;
  readonly node?: string;
}

export interface ProvisionOptions {
  /** Directory of the credentials files (created 0700 when missing). */
  readonly dir: string;
  readonly users: readonly NatsUserSpec[];
  /** Where to write the server's config (JetStream, public keys and permissions; no secrets). */
  readonly serverConfigFile: string;
  /** JetStream's store directory, the same the server is started with. */
  readonly jetStreamStoreDir: string;
}

export interface ProvisionedCredentials {
  /** Credentials file per user name. */
  readonly files: ReadonlyMap<string, string>;
  readonly serverConfigFile: string;
}

/** The users of a local stack or a deployment: one per service, one per node agent, and the shared roles. */
export function stackNatsUsers(nodes: readonly string[]): NatsUserSpec[] {
  return [
    { user: 'identity', role: 'service-identity' },
    { user: 'policy', role: 'service-policy' },
    { user: 'lb', role: 'service-lb' },
    ...nodes.map((node) => ({ user: `agent-${node}`, role: 'agent' as const, node })),
    { user: 'observer', role: 'observer' },
    { user: 'subscriber', role: 'subscriber' },
    { user: 'admin', role: 'admin' },
  ];
}

/** A user name is a file name and a log label: letters, digits, '.', '_' and '-'. */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

function checkUserName(user: string): void {
  if (!USER_NAME.test(user)) throw new NatsCredentialsError(user, 'user', 'expected letters, digits, ".", "_" or "-" (up to 63)');
}

/**
 * Writes a credentials file per user (an NKEY seed, mode 0600) and the server's authorization
 * config. A user whose file exists with the same role keeps its key, so restarting a stack does
 * not invalidate credentials handed out before. Users added earlier to the same directory (an
 * external subscriber, `netledger credentials add`) stay in the server config; the config is
 * rewritten every time from the files, so it always matches them.
 */
export function provisionNatsCredentials(options: ProvisionOptions): ProvisionedCredentials {
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const files = new Map<string, string>();
  const serverUsers: NatsServerUser[] = [];
  const add = (spec: NatsUserSpec, creds: NatsCredentials, file: string): void => {
    files.set(spec.user, file);
    serverUsers.push({
      name: `${spec.user} (${spec.role})`,
      publicKey: creds.publicKey,
      permissions: natsPermissions({ role: spec.role, inboxPrefix: creds.inboxPrefix, ...(spec.node !== undefined ? { node: spec.node } : {}) }),
    });
  };
  // Every file is read once: the users asked for reuse theirs, the others stay as they are.
  const existing = new Map([...credentialsIn(options.dir)].map(([file, creds]) => [creds.user, { file, creds }]));
  for (const spec of options.users) {
    checkUserName(spec.user);
    const file = join(options.dir, `${spec.user}.json`);
    const held = existing.get(spec.user)?.creds;
    const same = held !== undefined && held.role === spec.role && held.node === spec.node;
    add(spec, same ? held : create(file, spec), file);
  }
  for (const [user, { file, creds }] of existing) {
    if (files.has(user)) continue;
    add({ user, role: creds.role, ...(creds.node !== undefined ? { node: creds.node } : {}) }, creds, file);
  }
  writeAtomically(options.serverConfigFile, natsServerConfig(serverUsers, { jetStreamStoreDir: options.jetStreamStoreDir }), 0o644);
  return { files, serverConfigFile: options.serverConfigFile };
}

/** Every readable credentials file in `dir`, by path (damaged ones are left out: they cannot log in). */
export function credentialsIn(dir: string): Map<string, NatsCredentials> {
  const found = new Map<string, NatsCredentials>();
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    const file = join(dir, name);
    try {
      const creds = parseNatsCredentials(readFileSync(file, 'utf8'), file);
      if (`${creds.user}.json` === name) found.set(file, creds);
    } catch {
      // Not a credentials file of ours (or damaged): not a user.
    }
  }
  return found;
}

/** Removes a user's credentials file; the next provisioning leaves it out of the server config. */
export function removeNatsCredentials(dir: string, user: string): boolean {
  checkUserName(user);
  const file = join(dir, `${user}.json`);
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}

function create(file: string, spec: NatsUserSpec): NatsCredentials {
  const kp = nkeys.createUser();
  const publicKey = kp.getPublicKey();
  const creds: NatsCredentials = {
    apiVersion: NATS_CREDENTIALS_API_VERSION,
    user: spec.user,
    role: spec.role,
    nkeySeed: new TextDecoder().decode(kp.getSeed()),
    publicKey,
    // Unique per key, so no two users share an inbox they could read each other's replies on.
    inboxPrefix: `_INBOX_${publicKey.slice(1, 17)}`,
    ...(spec.node !== undefined ? { node: spec.node } : {}),
  };
  writeAtomically(file, `${JSON.stringify(creds, null, 2)}\n`, 0o600);
  return creds;
}

function writeAtomically(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}
