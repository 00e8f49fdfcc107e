import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeClient, Manifest } from '@netledger/k8s';
import type { DataDir } from '@netledger/runtime';
import { CliError, UsageError } from '../cli-error.js';

export const APPLY_HELP = `Usage: netledger apply -f FILE|DIR [-f FILE|DIR ...] [--kubeconfig PATH]

Creates the objects of YAML or JSON manifests, or updates them when they exist, and prints
what happened to each: created, configured or unchanged. A file may hold several documents
(---); a directory's *.yaml, *.yml and *.json files are read in name order; - is stdin.
Objects without a namespace go to the kubeconfig context's namespace (default).
Every file is checked first: if one does not parse, nothing is applied.
Kinds: Namespace, Node, Pod, Service, EndpointSlice, NetworkPolicy, CiliumNetworkPolicy,
CiliumClusterwideNetworkPolicy.

The API server is the local stack's (DATA-DIR/kubeconfig, written by netledger up) unless
--kubeconfig PATH names another cluster.`;

/** Where command output goes; process.stdout and process.stderr fit, tests pass collectors. */
export interface Writer {
  write(text: string): unknown;
}

/** What every Kubernetes command needs: the cluster and where to print. */
export interface KubeCommandOptions {
  readonly dataDir: DataDir;
  /** --kubeconfig; undefined = DATA-DIR/kubeconfig. */
  readonly kubeconfig: string | undefined;
  readonly stdout?: Writer;
  readonly stderr?: Writer;
}

export interface ApplyOptions extends KubeCommandOptions {
  /** The -f arguments. */
  readonly files: readonly string[];
}

/** `netledger apply`: exit code 0 when every object was applied, 1 when the server refused one. */
export async function apply(options: ApplyOptions): Promise<number> {
  const out = options.stdout ?? process.stdout;
  const err = options.stderr ?? process.stderr;
  if (options.files.length === 0) throw new UsageError('apply needs -f FILE|DIR');
  const k8s = await loadK8s();
  const manifests = readManifestsOrFail(k8s, options.files);
  if (manifests.length === 0) throw new CliError(`no objects in ${options.files.join(', ')}`);
  const client = openKubeClient(k8s, options);
  const results = await talkingToServer(k8s, () => client.apply(manifests.map((m) => m.object)));
  let failed = 0;
  results.forEach((r, i) => {
    const what = `${k8s.qualifiedName(r.resource)}/${r.name}`;
    if (r.outcome === 'failed') {
      failed += 1;
      err.write(`Error from server (${r.error.reason || r.error.statusCode}): ${origin(manifests[i])}${what}: ${serverMessage(r.error)}\n`);
    } else {
      out.write(`${what} ${r.outcome}\n`);
    }
  });
  return failed === 0 ? 0 : 1;
}

/** The k8s package loads client-node (seconds of startup); only Kubernetes commands pay for it. */
export function loadK8s(): Promise<typeof import('@netledger/k8s')> {
  return import('@netledger/k8s');
}

/** Manifests of all paths, or a CliError naming the file and line/document of the first problem. */
export function readManifestsOrFail(k8s: typeof import('@netledger/k8s'), files: readonly string[]): Manifest[] {
  try {
    return k8s.readManifests(files);
  } catch (e) {
    if (e instanceof k8s.ManifestError) throw new CliError(e.message);
    throw e;
  }
}

/** A client for --kubeconfig, else for the local stack's API server. */
export function openKubeClient(k8s: typeof import('@netledger/k8s'), options: KubeCommandOptions): KubeClient {
  const path = options.kubeconfig ?? join(options.dataDir.root, 'kubeconfig');
  if (options.kubeconfig === undefined && !existsSync(path)) {
    throw new CliError(`no kubeconfig at ${path}: start the local stack with netledger up, or pass --kubeconfig PATH`);
  }
  try {
    return k8s.createKubeClient({ kubeconfigPath: path });
  } catch (e) {
    if (e instanceof k8s.KubeConfigError) throw new CliError(e.message);
    throw e;
  }
}

/** Runs requests; an unreachable server or an object the server sent malformed becomes a CliError. */
export async function talkingToServer<T>(k8s: typeof import('@netledger/k8s'), work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof k8s.KubeConnectionError) throw new CliError(`cannot reach the API server: ${e.message}`);
    if (e instanceof k8s.KubeApiError) throw new CliError(`Error from server (${e.reason || e.statusCode}): ${serverMessage(e)}`);
    if (e instanceof k8s.UnsupportedKindError || e instanceof k8s.KubeObjectError) throw new CliError(e.message);
    throw e;
  }
}

/** The server's message, with its field causes when the message does not already say them. */
export function serverMessage(e: { readonly message: string; readonly causes: readonly string[] }): string {
  const missing = e.causes.filter((c) => !e.message.includes(c));
  return missing.length === 0 ? e.message : `${e.message} (${missing.join('; ')})`;
}

function origin(m: Manifest | undefined): string {
  return m ? `${m.file} document ${m.document}: ` : '';
}
