import { CliError, UsageError } from '../cli-error.js';
import { type KubeCommandOptions, loadK8s, openKubeClient, readManifestsOrFail, serverMessage, talkingToServer } from './apply.js';

export const DELETE_HELP = `Usage: netledger delete -f FILE|DIR [-f FILE|DIR ...] [--ignore-not-found] [--kubeconfig PATH]

Deletes the objects named in YAML or JSON manifests (read like netledger apply reads them),
last document first, so a namespace goes after the objects in it. An object that does not
exist is an error (exit code 1) unless --ignore-not-found is given.`;

export interface DeleteOptions extends KubeCommandOptions {
  readonly files: readonly string[];
  readonly ignoreNotFound?: boolean;
}

/** `netledger delete -f`: exit code 0 when every object is gone. */
export async function deleteObjects(options: DeleteOptions): Promise<number> {
  const out = options.stdout ?? process.stdout;
  const err = options.stderr ?? process.stderr;
  if (options.files.length === 0) throw new UsageError('delete needs -f FILE|DIR');
  const k8s = await loadK8s();
  const manifests = readManifestsOrFail(k8s, options.files);
  if (manifests.length === 0) throw new CliError(`no objects in ${options.files.join(', ')}`);
  const client = openKubeClient(k8s, options);
  const results = await talkingToServer(k8s, () => client.delete(manifests.map((m) => m.object).reverse()));
  let failed = 0;
  for (const r of results) {
    const what = `${k8s.qualifiedName(r.resource)} "${r.name}"`;
    if (r.outcome === 'deleted') {
      out.write(`${what} deleted\n`);
    } else if (r.outcome === 'not-found') {
      if (options.ignoreNotFound) continue;
      failed += 1;
      err.write(`Error from server (NotFound): ${what} not found${r.namespace ? ` in namespace ${r.namespace}` : ''}\n`);
    } else {
      failed += 1;
      err.write(`Error from server (${r.error.reason || r.error.statusCode}): ${what}: ${serverMessage(r.error)}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}
