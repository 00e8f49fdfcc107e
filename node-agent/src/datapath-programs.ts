import { networkInterfaces } from 'node:os';
import {
  attachHostPrograms,
  findCgroup2Mount,
  loadDatapathPrograms,
  openDatapathTelemetry,
  writeNodeConfig,
  type DatapathCounter,
  type DatapathTelemetry,
} from '@netledger/datapath';
import type { Logger } from '@netledger/runtime';

/** What `status` shows about the programs (and `netledger status` turns into the KubeProxyReplacement line). */
export interface ProgramsStatus {
  readonly loaded: boolean;
  /** Why the programs are not loaded, or why host-reachable services are off. */
  readonly reason?: string;
  /** The object was new at this start and replaced the programs pinned before. */
  readonly reloaded?: boolean;
  readonly programsDir?: string;
  /** The cgroup the host's socket programs are attached to, when they are. */
  readonly hostCgroup?: string;
  readonly hostReason?: string;
  readonly nodeAddresses: readonly string[];
  readonly kubeProxyReplacement: { readonly enabled: boolean; readonly features: readonly string[] };
  /** Packets and bytes per verdict, reason and direction (numbers: status is JSON). */
  readonly counters: ReadonlyArray<{ readonly verdict: string; readonly reason: string; readonly direction: string; readonly packets: number; readonly bytes: number }>;
}

export interface ProgramsOptions {
  readonly pinDir: string;
  readonly objectPath: string | undefined;
  readonly cgroupRoot: string | undefined;
  /** `bpf` mode: a failure to load is fatal, not a degraded start. */
  readonly required: boolean;
}

/** Thrown in `--datapath bpf` mode when the programs cannot be loaded. */
export class ProgramsRequiredError extends Error {
  override readonly name = 'ProgramsRequiredError';
  constructor(
    readonly pinDir: string,
    readonly reason: string,
  ) {
    super(`--datapath bpf: cannot load the datapath programs into ${pinDir}: ${reason}`);
  }
}

// Addresses come and go (the CNI plugin adds the router address when the first pod starts).
const ADDRESS_REFRESH_MS = 10_000;

/**
 * The node's datapath programs: loads them (the pinned ones stay when the object did not
 * change, so an agent restart leaves traffic alone), attaches the host's socket programs for
 * host-reachable services, and keeps the node's own addresses in the datapath's config (they
 * are node-local facts, not events: NodePort frontends answer on them, and traffic from them
 * is the host identity).
 */
export class DatapathPrograms {
  readonly #logger: Logger;
  readonly #pinDir: string;
  #status: Omit<ProgramsStatus, 'counters' | 'nodeAddresses'>;
  #addresses: string[] = [];
  #telemetry: DatapathTelemetry | undefined;
  #timer: NodeJS.Timeout | undefined;

  private constructor(pinDir: string, logger: Logger, status: Omit<ProgramsStatus, 'counters' | 'nodeAddresses'>) {
    this.#pinDir = pinDir;
    this.#logger = logger;
    this.#status = status;
  }

  /** Loads and attaches; in auto mode a failure is reported and the agent goes on with maps only. */
  static start(options: ProgramsOptions, logger: Logger): DatapathPrograms {
    const { pinDir } = options;
    let loaded;
    try {
      loaded = loadDatapathPrograms({ pinDir, ...(options.objectPath ? { objectPath: options.objectPath } : {}) });
    } catch (e) {
      const reason = (e as Error).message;
      if (options.required) throw new ProgramsRequiredError(pinDir, reason);
      logger.error(`DATAPATH PROGRAMS NOT LOADED: ${reason}; the maps are programmed but no traffic is enforced`);
      return new DatapathPrograms(pinDir, logger, { loaded: false, reason, kubeProxyReplacement: { enabled: false, features: [] } });
    }
    logger.info(`datapath programs ${loaded.reloaded ? 'loaded' : 'already loaded (unchanged object)'} in ${loaded.paths.dir}`);
    const cgroup = options.cgroupRoot ?? findCgroup2Mount();
    let hostCgroup: string | undefined;
    let hostReason: string | undefined;
    if (!cgroup) hostReason = 'no cgroup v2 mount in /proc/mounts';
    else {
      try {
        attachHostPrograms(pinDir, cgroup);
        hostCgroup = cgroup;
      } catch (e) {
        hostReason = (e as Error).message;
      }
    }
    if (hostReason) logger.error(`host-reachable services off: ${hostReason}`);
    const features = ['ClusterIP', 'NodePort', 'ExternalIPs', 'LoadBalancer', 'SessionAffinity', ...(hostCgroup ? ['HostReachableServices (TCP, UDP)'] : [])];
    const programs = new DatapathPrograms(pinDir, logger, {
      loaded: true,
      reloaded: loaded.reloaded,
      programsDir: loaded.paths.dir,
      ...(hostCgroup ? { hostCgroup } : { hostReason: hostReason! }),
      kubeProxyReplacement: { enabled: true, features },
    });
    programs.refreshNodeAddresses();
    programs.#timer = setInterval(() => programs.refreshNodeAddresses(), ADDRESS_REFRESH_MS);
    programs.#timer.unref();
    return programs;
  }

  get loaded(): boolean {
    return this.#status.loaded;
  }

  /** Writes the node's IPv4 addresses into the datapath config when they changed. */
  refreshNodeAddresses(): void {
    if (!this.#status.loaded) return;
    const addresses = localIpv4Addresses();
    if (addresses.join() === this.#addresses.join()) return;
    try {
      writeNodeConfig(this.#pinDir, { nodeAddresses: addresses });
      this.#addresses = addresses;
      this.#logger.info(`node addresses in the datapath: ${addresses.join(', ')}`);
    } catch (e) {
      this.#logger.error(`cannot write the node addresses into the datapath: ${(e as Error).message}`);
    }
  }

  status(): ProgramsStatus {
    return { ...this.#status, nodeAddresses: this.#addresses, counters: this.#readCounters() };
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#telemetry?.close();
    this.#telemetry = undefined;
  }

  #readCounters(): ProgramsStatus['counters'] {
    if (!this.#status.loaded) return [];
    try {
      this.#telemetry ??= openDatapathTelemetry(this.#pinDir);
      return this.#telemetry.readCounters().map((c: DatapathCounter) => ({ ...c, packets: Number(c.packets), bytes: Number(c.bytes) }));
    } catch (e) {
      this.#logger.error(`cannot read the datapath counters: ${(e as Error).message}`);
      return [];
    }
  }
}

/** Every IPv4 address on this host's interfaces (loopback included: NodePort answers there too), sorted. */
export function localIpv4Addresses(): string[] {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4') out.add(a.address);
  }
  return [...out].sort();
}
