import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type LocalApiServer, startLocalApiServer } from '@netledger/kube-apiserver';
import { parseManifests } from '@netledger/k8s';
import { DataDir } from '@netledger/runtime';
import { CliError } from '../src/cli-error.js';
import { apply } from '../src/commands/apply.js';
import { deleteObjects } from '../src/commands/delete.js';
import { get } from '../src/commands/get.js';

class Collector {
  text = '';
  write(s: string): void {
    this.text += s;
  }
}

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

const NS = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
`;

const WORKLOADS = `# two documents, the second without a namespace
apiVersion: v1
kind: Pod
metadata:
  name: web-1
  namespace: shop
  labels: { app: web, tier: front }
spec:
  containers:
  - name: main
    image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports:
  - port: 80
`;

const POLICIES = JSON.stringify({
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny-all', namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'allow-web', namespace: 'shop' },
      spec: { endpointSelector: { matchLabels: { app: 'web' } }, ingress: [{ fromEndpoints: [{}] }] },
    },
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumClusterwideNetworkPolicy',
      metadata: { name: 'cluster-default' },
      spec: { endpointSelector: {} },
    },
  ],
});

describe('netledger apply / get / delete against a local API server', () => {
  let root: string;
  let server: LocalApiServer;
  let dataDir: DataDir;
  let manifests: string;

  const run = async (command: (o: any) => Promise<number>, options: Record<string, unknown>): Promise<Run> => {
    const out = new Collector();
    const err = new Collector();
    const code = await command({ dataDir, kubeconfig: undefined, stdout: out, stderr: err, ...options });
    return { code, out: out.text, err: err.text };
  };
  const file = (name: string, text: string): string => {
    const path = join(root, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'netledger-kubecli-'));
    // The server writes DATA-DIR/kubeconfig, which is where the commands look by default.
    server = await startLocalApiServer({ dataDir: join(root, 'stack') });
    dataDir = new DataDir(join(root, 'stack'));
    manifests = join(root, 'manifests');
    file('manifests/10-namespace.yaml', NS);
    file('manifests/20-workloads.yml', WORKLOADS);
    file('manifests/30-policies.json', POLICIES);
    file('manifests/README.md', 'not a manifest');
  });
  after(async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('apply creates the objects of a directory in file and document order', async () => {
    const r = await run(apply, { files: [manifests] });
    assert.equal(r.err, '');
    assert.equal(r.code, 0);
    assert.deepEqual(r.out.trim().split('\n'), [
      'namespace/shop created',
      'pod/web-1 created',
      'service/web created',
      'networkpolicy.networking.k8s.io/deny-all created',
      'ciliumnetworkpolicy.cilium.io/allow-web created',
      'ciliumclusterwidenetworkpolicy.cilium.io/cluster-default created',
    ]);
  });

  it('apply again reports unchanged, and configured for what changed', async () => {
    const again = await run(apply, { files: [manifests] });
    assert.equal(again.code, 0);
    assert.ok(again.out.trim().split('\n').every((l) => l.endsWith(' unchanged')), again.out);

    const changed = file('changed/web.yaml', WORKLOADS.replace('tier: front', 'tier: back'));
    const r = await run(apply, { files: [changed] });
    assert.equal(r.code, 0);
    assert.deepEqual(r.out.trim().split('\n'), ['pod/web-1 configured', 'service/web unchanged']);
    const pod = await run(get, { kind: 'po', name: 'web-1', namespace: 'shop', output: 'json' });
    assert.deepEqual(JSON.parse(pod.out).metadata.labels, { app: 'web', tier: 'back' });
  });

  it('apply removes fields the previous apply set and the manifest dropped', async () => {
    const r = await run(apply, { files: [file('dropped/web.yaml', WORKLOADS.replace('labels: { app: web, tier: front }', 'labels: { app: web }'))] });
    assert.equal(r.code, 0);
    assert.match(r.out, /pod\/web-1 configured/);
    const pod = await run(get, { kind: 'pod', name: 'web-1', namespace: 'shop', output: 'json' });
    assert.deepEqual(JSON.parse(pod.out).metadata.labels, { app: 'web' });
  });

  it('get prints kubectl-like columns; -A adds the namespace', async () => {
    const pods = await run(get, { kind: 'pods', namespace: 'shop' });
    assert.equal(pods.code, 0);
    const [header, row] = pods.out.trim().split('\n');
    assert.match(header!, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    assert.match(row!, /^web-1\s+0\/1\s+Pending\s+0\s+\d+s$/);

    const services = await run(get, { kind: 'svc', allNamespaces: true });
    const lines = services.out.trim().split('\n');
    assert.match(lines[0]!, /^NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    assert.ok(lines.some((l) => /^default\s+kubernetes\s+ClusterIP/.test(l)));
    assert.ok(lines.some((l) => /^default\s+web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP/.test(l)));

    const ccnp = await run(get, { kind: 'ccnp' });
    assert.match(ccnp.out, /^NAME\s+AGE\ncluster-default\s+\d+s\n$/);
    const named = await run(get, { kind: 'netpol/deny-all', namespace: 'shop' });
    assert.match(named.out, /^NAME\s+POD-SELECTOR\s+AGE\ndeny-all\s+<none>\s+\d+s\n$/);
    const wide = await run(get, { kind: 'pods', namespace: 'shop', output: 'wide' });
    assert.match(wide.out.split('\n')[0]!, /AGE\s+IP\s+NODE$/);
  });

  it('get -o json and -o yaml print the object, or a List', async () => {
    const one = await run(get, { kind: 'cnp', name: 'allow-web', namespace: 'shop', output: 'json' });
    const cnp = JSON.parse(one.out);
    assert.equal(cnp.kind, 'CiliumNetworkPolicy');
    assert.equal(cnp.apiVersion, 'cilium.io/v2');
    assert.deepEqual(cnp.spec.endpointSelector, { matchLabels: { app: 'web' } });

    const list = await run(get, { kind: 'ns', output: 'yaml' });
    assert.match(list.out, /^apiVersion: v1\nkind: List\n/);
    assert.ok(parseManifests(list.out, 'out.yaml').some((m) => m.object.metadata.name === 'shop' && m.object.kind === 'Namespace'));

    const everywhere = await run(get, { kind: 'endpointslices', allNamespaces: true, output: 'json' });
    assert.deepEqual(JSON.parse(everywhere.out).items, []);
    const svcYaml = await run(get, { kind: 'service', name: 'web', output: 'yaml' });
    const [svc] = parseManifests(svcYaml.out, 'svc.yaml');
    assert.equal((svc?.object as any).spec.ports[0].port, 80);
  });

  it('get says what is missing', async () => {
    const missing = await run(get, { kind: 'pods', name: 'nope', namespace: 'shop' });
    assert.equal(missing.code, 1);
    assert.equal(missing.err, 'Error from server (NotFound): pod "nope" not found in namespace shop\n');
    const missingJson = await run(get, { kind: 'pods', name: 'nope', namespace: 'shop', output: 'json' });
    assert.equal(missingJson.code, 1);
    const empty = await run(get, { kind: 'pods', namespace: 'default' });
    assert.equal(empty.code, 0);
    assert.equal(empty.err, 'No resources found in default namespace.\n');
    await assert.rejects(run(get, { kind: 'statefulsets' }), (e: unknown) => e instanceof CliError && /kind statefulsets is not supported/.test(e.message));
    await assert.rejects(run(get, { kind: 'pods', output: 'xml' }), /-o xml: expected json, yaml or wide/);
  });

  it('an API rejection prints the server message and does not stop the other objects', async () => {
    const bad = file(
      'rejected.yaml',
      `apiVersion: v1
kind: Pod
metadata: { name: empty, namespace: shop }
spec: { containers: [] }
---
apiVersion: v1
kind: Pod
metadata: { name: fine, namespace: shop }
spec: { containers: [{ name: main, image: busybox }] }
`,
    );
    const r = await run(apply, { files: [bad] });
    assert.equal(r.code, 1);
    assert.match(r.err, /^Error from server \(Invalid\): .*rejected\.yaml document 1: pod\/empty: .*containers/);
    assert.equal(r.out, 'pod/fine created\n');
  });

  it('a file that does not parse applies nothing and names the file and line', async () => {
    const dir = join(root, 'half-bad');
    file('half-bad/a.yaml', `apiVersion: v1\nkind: Pod\nmetadata: { name: never, namespace: shop }\nspec: { containers: [{ name: main, image: busybox }] }\n`);
    file('half-bad/b.yaml', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n    bad: indent\n`);
    await assert.rejects(run(apply, { files: [dir] }), (e: unknown) => {
      assert.ok(e instanceof CliError);
      assert.match(e.message, /half-bad\/b\.yaml line 4, column \d+: invalid YAML/);
      return true;
    });
    const never = await run(get, { kind: 'pods', name: 'never', namespace: 'shop' });
    assert.equal(never.code, 1);
  });

  it('an unknown kind or a missing field names the document', async () => {
    const unknown = file('unknown.yaml', `${NS}---\napiVersion: v1\nkind: Foo\nmetadata: { name: f }\n`);
    await assert.rejects(run(apply, { files: [unknown] }), (e: unknown) => e instanceof CliError && e.message.startsWith(`${unknown} document 2: kind Foo is not supported`));
    const noName = file('noname.yaml', `apiVersion: v1\nkind: Namespace\nmetadata: {}\n`);
    await assert.rejects(run(apply, { files: [noName] }), (e: unknown) => e instanceof CliError && e.message === `${noName} document 1: Namespace: missing field metadata.name`);
    const wrongVersion = file('version.yaml', `apiVersion: v1\nkind: NetworkPolicy\nmetadata: { name: n }\n`);
    await assert.rejects(run(apply, { files: [wrongVersion] }), /document 1: kind NetworkPolicy is served as apiVersion networking\.k8s\.io\/v1, not v1/);
    await assert.rejects(run(apply, { files: [join(root, 'missing.yaml')] }), /missing\.yaml: no such file or directory/);
  });

  it('delete removes the objects, last first; a second delete reports them missing', async () => {
    const r = await run(deleteObjects, { files: [manifests] });
    assert.equal(r.err, '');
    assert.equal(r.code, 0);
    assert.deepEqual(r.out.trim().split('\n'), [
      'ciliumclusterwidenetworkpolicy.cilium.io "cluster-default" deleted',
      'ciliumnetworkpolicy.cilium.io "allow-web" deleted',
      'networkpolicy.networking.k8s.io "deny-all" deleted',
      'service "web" deleted',
      'pod "web-1" deleted',
      'namespace "shop" deleted',
    ]);
    const again = await run(deleteObjects, { files: [join(manifests, '20-workloads.yml')] });
    assert.equal(again.code, 1);
    assert.match(again.err, /Error from server \(NotFound\): service "web" not found in namespace default/);
    assert.match(again.err, /Error from server \(NotFound\): pod "web-1" not found in namespace shop/);
    const ignored = await run(deleteObjects, { files: [join(manifests, '20-workloads.yml')], ignoreNotFound: true });
    assert.deepEqual(ignored, { code: 0, out: '', err: '' });
  });

  it('without a kubeconfig in the data dir the message says how to get one', async () => {
    const elsewhere = new DataDir(join(root, 'no-stack'));
    await assert.rejects(
      get({ dataDir: elsewhere, kubeconfig: undefined, kind: 'pods' }),
      (e: unknown) => e instanceof CliError && e.message.includes('no-stack/kubeconfig') && e.message.includes('netledger up'),
    );
    const explicit = await run(get, { dataDir: elsewhere, kubeconfig: server.kubeconfigPath, kind: 'ns', name: 'default' });
    assert.match(explicit.out, /^NAME\s+STATUS\s+AGE\ndefault\s+Active/);
  });
});
