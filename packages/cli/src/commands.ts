import { UsageError } from './cli-error.js';
import { bool, list, str, type CommandSpec, type OptionValues } from './command-table.js';
import { apply, APPLY_HELP } from './commands/apply.js';
import { auditVerify, AUDIT_VERIFY_HELP } from './commands/audit-verify.js';
import { logExport, LOG_EXPORT_HELP } from './commands/log-export.js';
import { logImport, LOG_IMPORT_HELP } from './commands/log-import.js';
import { bpfEndpointList, BPF_ENDPOINT_LIST_HELP } from './commands/bpf-endpoint-list.js';
import { bpfIpcacheList, BPF_IPCACHE_LIST_HELP } from './commands/bpf-ipcache-list.js';
import { bpfLbList, BPF_LB_LIST_HELP } from './commands/bpf-lb-list.js';
import { bpfPolicyGet, BPF_POLICY_GET_HELP } from './commands/bpf-policy-get.js';
import { connectivityTest, CONNECTIVITY_TEST_HELP } from './commands/connectivity-test.js';
import { deleteObjects, DELETE_HELP } from './commands/delete.js';
import { down, DOWN_HELP } from './commands/down.js';
import { eventsTail, EVENTS_TAIL_HELP } from './commands/events-tail.js';
import { get, GET_HELP } from './commands/get.js';
import { history, HISTORY_HELP } from './commands/history.js';
import { replay, REPLAY_HELP } from './commands/replay.js';
import { diff, DIFF_HELP } from './commands/diff.js';
import { credentialsAdd, credentialsList, credentialsRemove, CREDENTIALS_ADD_HELP, CREDENTIALS_LIST_HELP, CREDENTIALS_REMOVE_HELP } from './commands/credentials.js';
import { logPrune, LOG_PRUNE_HELP } from './commands/log-prune.js';
import { observe, OBSERVE_HELP } from './commands/observe.js';
import { status, STATUS_HELP } from './commands/status.js';
import { defaultNodeName, up, UP_HELP } from './commands/up.js';
import { endpointList, ENDPOINT_LIST_HELP } from './commands/endpoint-list.js';
import { identityList, IDENTITY_LIST_HELP } from './commands/identity-list.js';
import { policyList, POLICY_LIST_HELP } from './commands/policy-list.js';
import { policyMatrix, POLICY_MATRIX_HELP } from './commands/policy-matrix.js';
import { policyTrace, POLICY_TRACE_HELP } from './commands/policy-trace.js';
import { probeCommand, PROBE_HELP } from './commands/probe.js';
import { serviceList, SERVICE_LIST_HELP } from './commands/service-list.js';
import { parseOutput } from './output.js';
import { readStackFile } from './stack-file.js';
import { defaultPinDir, type DataDir } from '@netledger/runtime';

const kubeconfig = { kubeconfig: { type: 'string' } } as const;
const pinDir = { 'pin-dir': { type: 'string' } } as const;
// The bpf commands read the maps of the stack running from the data dir (its first node) unless
// told otherwise; without a stack, the host's own node.
const pinDirOf = (values: OptionValues, dataDir: DataDir): string => {
  const explicit = str(values, 'pin-dir');
  if (explicit) return explicit;
  const stack = readStackFile(dataDir);
  const node = stack?.nodes[0];
  return (node && stack?.bpfPinDirs?.[node]) ?? defaultPinDir(node ?? defaultNodeName());
};

function integer(values: OptionValues, flag: string, fallback: string, min: number, max: number): number {
  const raw = str(values, flag) ?? fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} ${raw}: expected an integer from ${min} to ${max}`);
  return n;
}

/** Every command of the netledger binary, in the order `--help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    words: ['up'],
    summary: 'run the local stack (nats-server, Kubernetes API, services, node agent)',
    help: UP_HELP,
    options: {
      detach: { type: 'boolean', short: 'd' },
      'no-demo': { type: 'boolean' },
      'nats-port': { type: 'string' },
      'apiserver-port': { type: 'string' },
      db: { type: 'string' },
      node: { type: 'string' },
      'bpf-pin-dir': { type: 'string' },
      'pod-cidr': { type: 'string' },
      'no-connectivity-check': { type: 'boolean' },
      'ui-port': { type: 'string' },
      'service-cidr': { type: 'string' },
    },
    run: ({ values, dataDir, argv }) =>
      up({
        dataDir,
        detach: bool(values, 'detach'),
        demo: !bool(values, 'no-demo'),
        natsPort: integer(values, 'nats-port', '4222', 1, 65535),
        apiServerPort: integer(values, 'apiserver-port', '6443', 1, 65535),
        db: str(values, 'db'),
        node: str(values, 'node') ?? defaultNodeName(),
        bpfPinDir: str(values, 'bpf-pin-dir'),
        podCidr: str(values, 'pod-cidr') ?? '10.200.0.0/24',
        connectivityCheck: !bool(values, 'no-connectivity-check'),
        uiPort: integer(values, 'ui-port', '12000', 0, 65535),
        serviceCidr: str(values, 'service-cidr'),
        argv,
      }),
  },
  { words: ['down'], summary: 'stop a stack started with up --detach', help: DOWN_HELP, options: {}, run: ({ dataDir }) => down(dataDir) },
  {
    words: ['status'],
    summary: 'health of every component, log sequences, consumer lag',
    help: STATUS_HELP,
    options: { verbose: { type: 'boolean', short: 'v' } },
    run: ({ values, dataDir }) => status(dataDir, parseOutput(str(values, 'output')), bool(values, 'verbose')),
  },
  {
    words: ['events', 'tail'],
    summary: 'print (and follow) events from the services\' logs',
    help: EVENTS_TAIL_HELP,
    options: { service: { type: 'string' }, since: { type: 'string' }, follow: { type: 'boolean', short: 'f' }, n: { type: 'string', short: 'n' } },
    run: ({ values, dataDir }) =>
      eventsTail({
        dataDir,
        service: str(values, 'service'),
        since: str(values, 'since'),
        count: integer(values, 'n', '20', 1, 1_000_000),
        follow: bool(values, 'follow'),
        output: parseOutput(str(values, 'output')),
      }),
  },
  {
    words: ['observe'],
    summary: 'flows of every node (Hubble-style filters), with the policy that allowed or denied each',
    help: OBSERVE_HELP,
    options: {
      'from-pod': { type: 'string' },
      'to-pod': { type: 'string' },
      pod: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      'from-label': { type: 'string' },
      'to-label': { type: 'string' },
      'from-ip': { type: 'string' },
      'to-ip': { type: 'string' },
      port: { type: 'string' },
      protocol: { type: 'string' },
      verdict: { type: 'string' },
      'drop-reason': { type: 'string' },
      service: { type: 'string' },
      node: { type: 'string' },
      last: { type: 'string' },
      since: { type: 'string' },
      follow: { type: 'boolean', short: 'f' },
      'print-node-name': { type: 'boolean' },
      nats: { type: 'string' },
      'nats-credentials': { type: 'string' },
      'wait-ms': { type: 'string' },
    },
    run: ({ values, dataDir }) =>
      observe({
        dataDir,
        fromPod: str(values, 'from-pod'),
        toPod: str(values, 'to-pod'),
        pod: str(values, 'pod'),
        namespace: str(values, 'namespace'),
        fromLabel: str(values, 'from-label'),
        toLabel: str(values, 'to-label'),
        fromIp: str(values, 'from-ip'),
        toIp: str(values, 'to-ip'),
        port: str(values, 'port'),
        protocol: str(values, 'protocol'),
        verdict: str(values, 'verdict'),
        dropReason: str(values, 'drop-reason'),
        service: str(values, 'service'),
        node: str(values, 'node'),
        last: str(values, 'last'),
        since: str(values, 'since'),
        follow: bool(values, 'follow'),
        output: str(values, 'output'),
        printNodeName: bool(values, 'print-node-name'),
        nats: str(values, 'nats'),
        natsCredentials: str(values, 'nats-credentials'),
        waitMs: str(values, 'wait-ms'),
      }),
  },
  {
    words: ['history'],
    summary: 'every change of one object (policy/NS/NAME, endpoint/NS/POD, service/NS/NAME, identity/ID): cause and diff',
    help: HISTORY_HELP,
    options: { service: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' } },
    run: ({ values, args, dataDir }) =>
      history({
        dataDir,
        object: args[0],
        service: str(values, 'service'),
        since: str(values, 'since'),
        until: str(values, 'until'),
        output: parseOutput(str(values, 'output')),
      }),
  },
  {
    words: ['replay'],
    summary: "a service's whole state as of a log sequence or time, rebuilt with its own projection",
    help: REPLAY_HELP,
    options: { service: { type: 'string' }, at: { type: 'string' } },
    run: ({ values, dataDir }) => replay({ dataDir, service: str(values, 'service'), at: str(values, 'at'), output: parseOutput(str(values, 'output')) }),
  },
  {
    words: ['diff'],
    summary: "what changed in a service's state between two points of its log",
    help: DIFF_HELP,
    options: { service: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
    run: ({ values, dataDir }) =>
      diff({ dataDir, service: str(values, 'service'), from: str(values, 'from'), to: str(values, 'to'), output: parseOutput(str(values, 'output')) }),
  },
  {
    words: ['audit', 'verify'],
    summary: "re-read every service's event log and check its hash chain: names the first event changed, removed or reordered",
    help: AUDIT_VERIFY_HELP,
    options: { service: { type: 'string' } },
    run: ({ values, dataDir }) => auditVerify({ dataDir, service: str(values, 'service'), output: parseOutput(str(values, 'output')) }),
  },
  {
    words: ['log', 'export'],
    summary: "write a service's event log as NDJSON (one event per line, in seq order, with its chain hash)",
    help: LOG_EXPORT_HELP,
    options: { service: { type: 'string' }, out: { type: 'string' } },
    run: ({ values, dataDir }) => logExport({ dataDir, service: str(values, 'service'), out: str(values, 'out') }),
  },
  {
    words: ['log', 'import'],
    summary: 'load an NDJSON export into an empty event log, checking its hash chain',
    help: LOG_IMPORT_HELP,
    options: { service: { type: 'string' }, db: { type: 'string' } },
    run: ({ values, args, dataDir }) =>
      logImport({ dataDir, service: str(values, 'service'), db: str(values, 'db'), file: args[0], output: parseOutput(str(values, 'output')) }),
  },
  {
    words: ['credentials', 'add'],
    summary: 'issue NATS credentials to a new user (an external subscriber; --role observer to also read flows)',
    help: CREDENTIALS_ADD_HELP,
    options: { role: { type: 'string' }, node: { type: 'string' } },
    run: ({ values, args, dataDir }) =>
      credentialsAdd({ dataDir, name: args[0], role: str(values, 'role'), node: str(values, 'node'), output: parseOutput(str(values, 'output')) }),
  },
  {
    words: ['credentials', 'list'],
    summary: 'the NATS users of the stack and their roles',
    help: CREDENTIALS_LIST_HELP,
    options: {},
    run: ({ values, dataDir }) => credentialsList({ dataDir, output: parseOutput(str(values, 'output')) }),
  },
  {
    words: ['credentials', 'remove'],
    summary: 'revoke a NATS user (a running nats-server drops its connections)',
    help: CREDENTIALS_REMOVE_HELP,
    options: {},
    run: ({ args, dataDir }) => credentialsRemove({ dataDir, name: args[0] }),
  },
  {
    words: ['log', 'prune'],
    summary: "retention: remove a service's events before a seq, keeping a marker audit verify starts from",
    help: LOG_PRUNE_HELP,
    options: { service: { type: 'string' }, before: { type: 'string' }, reason: { type: 'string' } },
    run: ({ values, dataDir }) =>
      logPrune({ dataDir, service: str(values, 'service'), before: str(values, 'before'), reason: str(values, 'reason'), output: parseOutput(str(values, 'output')) }),
  },
  {
    words: ['apply'],
    summary: 'create or update Kubernetes objects from YAML/JSON files',
    help: APPLY_HELP,
    options: { filename: { type: 'string', short: 'f', multiple: true }, ...kubeconfig },
    run: ({ values, dataDir }) => apply({ dataDir, kubeconfig: str(values, 'kubeconfig'), files: list(values, 'filename') }),
  },
  {
    words: ['delete'],
    summary: 'delete the Kubernetes objects described in files',
    help: DELETE_HELP,
    options: { filename: { type: 'string', short: 'f', multiple: true }, 'ignore-not-found': { type: 'boolean' }, ...kubeconfig },
    run: ({ values, dataDir }) =>
      deleteObjects({ dataDir, kubeconfig: str(values, 'kubeconfig'), files: list(values, 'filename'), ignoreNotFound: bool(values, 'ignore-not-found') }),
  },
  {
    words: ['get'],
    summary: 'show Kubernetes objects (pods, svc, ns, netpol, cnp, ...)',
    help: GET_HELP,
    options: { namespace: { type: 'string', short: 'n' }, 'all-namespaces': { type: 'boolean', short: 'A' }, ...kubeconfig },
    run: ({ values, args, dataDir }) =>
      get({
        dataDir,
        kubeconfig: str(values, 'kubeconfig'),
        kind: args[0],
        name: args[1],
        namespace: str(values, 'namespace'),
        allNamespaces: bool(values, 'all-namespaces'),
        output: str(values, 'output'),
      }),
  },
  {
    words: ['identity', 'list'],
    summary: 'security identities: id, scope, labels, references',
    help: IDENTITY_LIST_HELP,
    options: { scope: { type: 'string' } },
    run: ({ values, dataDir }) => identityList(dataDir, parseOutput(str(values, 'output')), undefined, str(values, 'scope')),
  },
  {
    words: ['endpoint', 'list'],
    summary: 'endpoints (pods with IPs): node, IPs, identity, labels',
    help: ENDPOINT_LIST_HELP,
    options: { node: { type: 'string' }, namespace: { type: 'string', short: 'n' } },
    run: ({ values, dataDir }) =>
      endpointList(dataDir, parseOutput(str(values, 'output')), { node: str(values, 'node'), namespace: str(values, 'namespace') }),
  },
  {
    words: ['service', 'list'],
    summary: 'load-balanced services: frontends and numbered backends (as cilium service list)',
    help: SERVICE_LIST_HELP,
    options: {},
    run: ({ values, dataDir }) => serviceList(dataDir, parseOutput(str(values, 'output'))),
  },

  {
    words: ['policy', 'list'],
    summary: 'policies in force and rejected versions, with the policy revision',
    help: POLICY_LIST_HELP,
    options: {},
    run: ({ values, dataDir }) => policyList({ dataDir, output: parseOutput(str(values, 'output')) }),
  },
  {
    words: ['policy', 'trace'],
    summary: 'would a connection be allowed (now, or --at a past time), and which rules decide',
    help: POLICY_TRACE_HELP,
    options: {
      src: { type: 'string' },
      'src-labels': { type: 'string' },
      'src-cidr': { type: 'string' },
      dst: { type: 'string' },
      dport: { type: 'string' },
      at: { type: 'string' },
      ...kubeconfig,
    },
    run: ({ values, dataDir }) =>
      policyTrace({
        dataDir,
        src: str(values, 'src'),
        srcLabels: str(values, 'src-labels'),
        srcCidr: str(values, 'src-cidr'),
        dst: str(values, 'dst'),
        dport: str(values, 'dport'),
        kubeconfig: str(values, 'kubeconfig'),
        at: str(values, 'at'),
        output: parseOutput(str(values, 'output')),
      }),
  },
  {
    words: ['policy', 'matrix'],
    summary: 'pod-to-pod reachability truth table on one port',
    help: POLICY_MATRIX_HELP,
    options: { namespaces: { type: 'string' }, dport: { type: 'string' }, at: { type: 'string' }, ...kubeconfig },
    run: ({ values, dataDir }) =>
      policyMatrix({
        dataDir,
        namespaces: str(values, 'namespaces'),
        dport: str(values, 'dport'),
        kubeconfig: str(values, 'kubeconfig'),
        at: str(values, 'at'),
        output: parseOutput(str(values, 'output')),
      }),
  },
  {
    words: ['bpf', 'ipcache', 'list'],
    summary: 'the ipcache BPF map: IP prefix -> identity (as cilium bpf ipcache list)',
    help: BPF_IPCACHE_LIST_HELP,
    options: pinDir,
    run: ({ values, dataDir }) => bpfIpcacheList(pinDirOf(values, dataDir), parseOutput(str(values, 'output'))),
  },
  {
    words: ['bpf', 'policy', 'get'],
    summary: "an endpoint's policy BPF map, by endpoint id or pod IP, or --all",
    help: BPF_POLICY_GET_HELP,
    options: { ...pinDir, all: { type: 'boolean' } },
    run: ({ values, args, dataDir }) =>
      bpfPolicyGet({ pinDir: pinDirOf(values, dataDir), endpoint: args[0], all: bool(values, 'all'), output: parseOutput(str(values, 'output')) }),
  },
  {
    words: ['bpf', 'lb', 'list'],
    summary: 'the load-balancing BPF maps: frontends and backend slots (as cilium bpf lb list)',
    help: BPF_LB_LIST_HELP,
    options: pinDir,
    run: ({ values, dataDir }) => bpfLbList(pinDirOf(values, dataDir), parseOutput(str(values, 'output'))),
  },
  {
    words: ['bpf', 'endpoint', 'list'],
    summary: 'the endpoints BPF map: local addresses, endpoint ids, identities',
    help: BPF_ENDPOINT_LIST_HELP,
    options: pinDir,
    run: ({ values, dataDir }) => bpfEndpointList(pinDirOf(values, dataDir), parseOutput(str(values, 'output'))),
  },
  {
    words: ['probe'],
    summary: 'one real connection attempt from inside a pod (or the host), with the datapath verdict',
    help: PROBE_HELP,
    options: { from: { type: 'string' }, to: { type: 'string' }, proto: { type: 'string' }, port: { type: 'string' }, 'timeout-ms': { type: 'string' }, ...pinDir, ...kubeconfig },
    run: ({ values, dataDir }) =>
      probeCommand({
        dataDir,
        kubeconfig: str(values, 'kubeconfig'),
        from: str(values, 'from'),
        to: str(values, 'to'),
        proto: str(values, 'proto'),
        port: str(values, 'port') === undefined ? undefined : integer(values, 'port', '0', 1, 65535),
        timeoutMs: integer(values, 'timeout-ms', '2000', 1, 600_000),
        pinDir: pinDirOf(values, dataDir),
        output: parseOutput(str(values, 'output')),
      }),
  },
  {
    words: ['connectivity', 'test'],
    summary: 'apply the connectivity check and run every probe for real (PASS/FAIL table)',
    help: CONNECTIVITY_TEST_HELP,
    options: { 'ready-timeout-ms': { type: 'string' }, 'probe-window-ms': { type: 'string' }, ...pinDir, ...kubeconfig },
    run: ({ values, dataDir }) =>
      connectivityTest({
        dataDir,
        kubeconfig: str(values, 'kubeconfig'),
        pinDir: pinDirOf(values, dataDir),
        output: parseOutput(str(values, 'output')),
        readyTimeoutMs: integer(values, 'ready-timeout-ms', '90000', 1000, 3_600_000),
        probeWindowMs: integer(values, 'probe-window-ms', '20000', 0, 3_600_000),
      }),
  },
];
