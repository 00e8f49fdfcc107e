import type { KubeObject, KubeResource } from '@netledger/k8s';
import { CliError, UsageError } from '../cli-error.js';
import { table } from '../output.js';
import { type KubeCommandOptions, loadK8s, openKubeClient, talkingToServer } from './apply.js';

export const GET_HELP = `Usage: netledger get KIND [NAME] [-n NAMESPACE | -A] [-o json|yaml|wide] [--kubeconfig PATH]

Lists objects of one kind (or shows one by NAME; KIND/NAME works too) in columns like kubectl's,
as the API server renders them. -o json / -o yaml print the object, or a List of them.
KIND: namespaces (ns), nodes (no), pods (po), services (svc), endpointslices,
networkpolicies (netpol), ciliumnetworkpolicies (cnp), ciliumclusterwidenetworkpolicies (ccnp).
-n picks the namespace (default: the kubeconfig context's, else default); -A every namespace.`;

export interface GetOptions extends KubeCommandOptions {
  readonly kind: string | undefined;
  readonly name?: string | undefined;
  readonly namespace?: string | undefined;
  readonly allNamespaces?: boolean;
  /** -o: text (default), wide, json or yaml. */
  readonly output?: string | undefined;
}

type GetFormat = 'text' | 'wide' | 'json' | 'yaml';

/** `netledger get`: exit code 0, or 1 when a named object does not exist. */
export async function get(options: GetOptions): Promise<number> {
  const out = options.stdout ?? process.stdout;
  const err = options.stderr ?? process.stderr;
  const format = parseFormat(options.output);
  if (!options.kind) throw new UsageError('get needs a KIND, e.g. netledger get pods');
  const [kindArg, nameFromKind] = options.kind.split('/', 2) as [string, string | undefined];
  const name = nameFromKind ?? options.name;
  const k8s = await loadK8s();
  let resource: KubeResource;
  try {
    resource = k8s.findResource(kindArg);
  } catch (e) {
    if (e instanceof k8s.UnsupportedKindError) throw new CliError(e.message);
    throw e;
  }
  const client = openKubeClient(k8s, options);
  const namespace = resource.namespaced ? (options.namespace ?? client.defaultNamespace) : undefined;
  const everywhere = (options.allNamespaces ?? false) && resource.namespaced && name === undefined;
  const notFound = (): number => {
    err.write(`Error from server (NotFound): ${k8s.qualifiedName(resource)} "${name}" not found${namespace ? ` in namespace ${namespace}` : ''}\n`);
    return 1;
  };

  if (format === 'json' || format === 'yaml') {
    const print = (value: unknown): void => {
      out.write(format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : k8s.formatYaml(value));
    };
    if (name !== undefined) {
      const [found] = await talkingToServer(k8s, () => client.get(resource.plural, name, namespace));
      if (!found) return notFound();
      print(found);
      return 0;
    }
    const items: KubeObject[] = await talkingToServer(k8s, () => client.list(resource.plural, everywhere ? undefined : namespace));
    print({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items });
    return 0;
  }

  const rows = await talkingToServer(k8s, () =>
    client.table(resource.plural, { name, namespace, allNamespaces: everywhere }, format === 'wide').catch((e: unknown) => {
      if (e instanceof k8s.KubeApiError && e.statusCode === 404 && name !== undefined) return undefined;
      throw e;
    }),
  );
  if (!rows) return notFound();
  if (rows.rows.length === 0) {
    err.write(everywhere || !resource.namespaced ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`);
    return 0;
  }
  const header = everywhere ? ['NAMESPACE', ...rows.columns] : rows.columns;
  const cells = rows.rows.map((r) => (everywhere ? [r.namespace ?? '', ...r.cells] : [...r.cells]));
  out.write(`${table(header, cells)}\n`);
  return 0;
}

function parseFormat(value: string | undefined): GetFormat {
  if (value === undefined || value === 'text') return 'text';
  if (value === 'wide' || value === 'json' || value === 'yaml') return value;
  throw new UsageError(`-o ${value}: expected json, yaml or wide`);
}
