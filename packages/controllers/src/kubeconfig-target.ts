import { readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, resolve } from 'node:path';
import { KubeConfigError } from '@netledger/k8s';
import { parse } from 'yaml';

/** Where requests go and with which credentials: the current context of a kubeconfig. */
export interface KubeconfigTarget {
  /** Server URL without a trailing slash. */
  readonly server: string;
  readonly ca: Buffer | undefined;
  readonly insecureSkipTlsVerify: boolean;
  readonly clientCert: Buffer | undefined;
  readonly clientKey: Buffer | undefined;
  readonly token: string | undefined;
  readonly basicAuth: string | undefined;
}

type Entry = Record<string, unknown>;

/**
 * Reads the current context of a kubeconfig (`a:b` lists merge, first definition wins, as
 * kubectl does). Static credentials only: client certificates, tokens, basic auth. Exec and
 * auth-provider plugins are refused with a KubeConfigError naming the user.
 */
export function readKubeconfigTarget(path: string): KubeconfigTarget {
  const files = path.split(delimiter).filter((f) => f !== '');
  if (files.length === 0) throw new KubeConfigError(path, 'no file given');
  const clusters = new Map<string, { entry: Entry; dir: string }>();
  const users = new Map<string, { entry: Entry; dir: string }>();
  const contexts = new Map<string, Entry>();
  let currentContext: string | undefined;
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parse(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new KubeConfigError(file, `cannot be loaded: ${(cause as Error).message}`, { cause });
    }
    if (!isEntry(doc)) throw new KubeConfigError(file, 'is not a YAML mapping');
    const dir = dirname(resolve(file));
    collect(doc['clusters'], 'cluster', (name, entry) => clusters.has(name) || clusters.set(name, { entry, dir }));
    collect(doc['users'], 'user', (name, entry) => users.has(name) || users.set(name, { entry, dir }));
    collect(doc['contexts'], 'context', (name, entry) => contexts.has(name) || contexts.set(name, entry));
    if (currentContext === undefined && typeof doc['current-context'] === 'string' && doc['current-context'] !== '') currentContext = doc['current-context'];
  }
  if (currentContext === undefined) throw new KubeConfigError(path, 'has no current-context');
  const context = contexts.get(currentContext);
  if (!context) throw new KubeConfigError(path, `current context "${currentContext}" is not defined`);
  const clusterName = String(context['cluster'] ?? '');
  const cluster = clusters.get(clusterName);
  if (!cluster) throw new KubeConfigError(path, `context "${currentContext}" names cluster "${clusterName}", which is not defined`);
  const server = cluster.entry['server'];
  if (typeof server !== 'string' || !/^https?:\/\//.test(server)) throw new KubeConfigError(path, `cluster "${clusterName}" has no http(s) server URL`);
  const userName = typeof context['user'] === 'string' ? context['user'] : undefined;
  const user = userName === undefined ? undefined : users.get(userName);
  if (userName !== undefined && !user) throw new KubeConfigError(path, `context "${currentContext}" names user "${userName}", which is not defined`);
  const u = user?.entry ?? {};
  if (u['exec'] !== undefined || u['auth-provider'] !== undefined) {
    throw new KubeConfigError(path, `user "${userName ?? ''}" authenticates through a plugin (exec/auth-provider), which the controllers' client does not run`);
  }
  const data = (entry: Entry, dir: string, field: string): Buffer | undefined => {
    const inline = entry[`${field}-data`];
    if (typeof inline === 'string' && inline !== '') return Buffer.from(inline, 'base64');
    const file = entry[field];
    if (typeof file !== 'string' || file === '') return undefined;
    try {
      return readFileSync(isAbsolute(file) ? file : resolve(dir, file));
    } catch (cause) {
      throw new KubeConfigError(path, `${field} ${file}: ${(cause as Error).message}`, { cause });
    }
  };
  const userDir = user?.dir ?? cluster.dir;
  let token = typeof u['token'] === 'string' && u['token'] !== '' ? u['token'] : undefined;
  if (token === undefined && typeof u['tokenFile'] === 'string' && u['tokenFile'] !== '') {
    token = data({ tokenFile: u['tokenFile'] }, userDir, 'tokenFile')?.toString('utf8').trim();
  }
  const username = u['username'];
  const basicAuth = typeof username === 'string' && username !== '' ? `${username}:${String(u['password'] ?? '')}` : undefined;
  return Object.freeze({
    server: server.replace(/\/+$/, ''),
    ca: data(cluster.entry, cluster.dir, 'certificate-authority'),
    insecureSkipTlsVerify: cluster.entry['insecure-skip-tls-verify'] === true,
    clientCert: data(u, userDir, 'client-certificate'),
    clientKey: data(u, userDir, 'client-key'),
    token,
    basicAuth,
  });
}

function collect(list: unknown, field: string, add: (name: string, entry: Entry) => unknown): void {
  if (!Array.isArray(list)) return;
  for (const item of list) {
    if (isEntry(item) && typeof item['name'] === 'string' && isEntry(item[field])) add(item['name'], item[field]);
  }
}

function isEntry(v: unknown): v is Entry {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
