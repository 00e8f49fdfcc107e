import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { isServiceName, type ServiceName } from '@netledger/contracts';
import { parseStorage, type DataDir, type StorageConfig } from '@netledger/runtime';
import { CliError } from './cli-error.js';

/** What `netledger up` records about the stack it runs, for every other command to find it. */
export interface StackFile {
  readonly version: 1;
  readonly supervisorPid: number;
  readonly startedAt: string;
  readonly natsUrl: string;
  readonly natsMonitorUrl: string;
  readonly apiServerUrl: string;
  readonly kubeconfig: string;
  /** `--db` value of each service (`sqlite:PATH` or a postgres URL). */
  readonly services: Readonly<Record<ServiceName, string>>;
  readonly nodes: readonly string[];
  /** Pin directory of each node's BPF maps. */
  readonly bpfPinDirs?: Readonly<Record<string, string>>;
}

export function writeStackFile(dataDir: DataDir, stack: StackFile): void {
  mkdirSync(dataDir.root, { recursive: true });
  const tmp = `${dataDir.stackFile}.tmp`;
  writeFileSync(tmp, JSON.stringify(stack, null, 2));
  renameSync(tmp, dataDir.stackFile);
}

export function readStackFile(dataDir: DataDir): StackFile | undefined {
  try {
    return JSON.parse(readFileSync(dataDir.stackFile, 'utf8')) as StackFile;
  } catch {
    return undefined;
  }
}

/** Storage of a service: as the stack recorded it, else the default file in the data dir. */
export function serviceStorage(dataDir: DataDir, service: ServiceName): StorageConfig {
  const stack = readStackFile(dataDir);
  return parseStorage(stack?.services[service], service, dataDir);
}

/** The service owning a stream, from the stream's first segment. */
export function serviceOfStream(stream: string): ServiceName {
  const kind = stream.split('/')[0] ?? '';
  const owner: Record<string, ServiceName> = { identity: 'identity', endpoint: 'identity', 'cidr-references': 'identity', policy: 'policy', cnp: 'policy', ccnp: 'policy', service: 'lb' };
  const s = owner[kind];
  if (s) return s;
  if (isServiceName(kind)) return kind;
  throw new CliError(`stream ${stream}: cannot tell which service owns it (identity/…, endpoint/…, policy/…, service/…); pass --service`);
}
