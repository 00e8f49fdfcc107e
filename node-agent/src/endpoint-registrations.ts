import { mkdirSync, readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@netledger/runtime';

/** What the CNI plugin tells the agent about one pod interface (netledger-cni's registration file). */
export interface EndpointRegistration {
  readonly containerId: string;
  readonly ip: string;
  readonly hostIfname: string;
  readonly hostIfindex: number;
  readonly podNamespace: string;
  readonly podName: string;
}

// Files appear and vanish as pods come and go; a periodic rescan covers events fs.watch drops.
const RESCAN_MS = 5000;
const DEBOUNCE_MS = 20;

/**
 * Follows `<stateDir>/endpoints/*.json`, the files netledger-cni writes on ADD and removes on
 * DEL, and reports the interface of every registered address. Reads the whole directory each
 * time: it holds one small file per local pod, so the cost follows the node, not the cluster.
 */
export class EndpointRegistrations {
  readonly #dir: string;
  readonly #logger: Logger;
  readonly #onChange: (byIp: ReadonlyMap<string, EndpointRegistration>) => void;
  #current = new Map<string, EndpointRegistration>();
  /** Files already reported as unreadable, so a broken file is logged once, not every rescan. */
  readonly #reported = new Set<string>();
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;

  constructor(stateDir: string, logger: Logger, onChange: (byIp: ReadonlyMap<string, EndpointRegistration>) => void) {
    this.#dir = join(stateDir, 'endpoints');
    this.#logger = logger;
    this.#onChange = onChange;
  }

  get directory(): string {
    return this.#dir;
  }

  /** Registered endpoints by address. */
  get current(): ReadonlyMap<string, EndpointRegistration> {
    return this.#current;
  }

  start(): void {
    mkdirSync(this.#dir, { recursive: true });
    this.rescan();
    try {
      this.#watcher = watch(this.#dir, () => this.#schedule());
      this.#watcher.on('error', (e) => this.#logger.error(`endpoint registrations: watching ${this.#dir} failed: ${e.message}; rescanning every ${RESCAN_MS / 1000} s`));
    } catch (e) {
      this.#logger.error(`endpoint registrations: cannot watch ${this.#dir}: ${(e as Error).message}; rescanning every ${RESCAN_MS / 1000} s`);
    }
    this.#timer = setInterval(() => this.rescan(), RESCAN_MS);
    this.#timer.unref();
  }

  stop(): void {
    this.#watcher?.close();
    clearInterval(this.#timer);
    clearTimeout(this.#debounce);
  }

  /** Reads the directory and reports when the set of registrations changed. */
  rescan(): void {
    const next = new Map<string, EndpointRegistration>();
    let names: string[];
    try {
      names = readdirSync(this.#dir).filter((n) => n.endsWith('.json'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.#logger.error(`endpoint registrations: ${this.#dir}: ${(e as Error).message}`);
      names = [];
    }
    for (const name of names) {
      const file = join(this.#dir, name);
      const parsed = readRegistration(file);
      if (typeof parsed === 'string') {
        if (!this.#reported.has(file)) this.#logger.error(`endpoint registration ${file} ignored: ${parsed}`);
        this.#reported.add(file);
        continue;
      }
      this.#reported.delete(file);
      next.set(parsed.ip, parsed);
    }
    if (!sameRegistrations(this.#current, next)) {
      this.#current = next;
      this.#onChange(next);
    }
  }

  #schedule(): void {
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => this.rescan(), DEBOUNCE_MS);
  }
}

/** The registration in a file, or why it cannot be used (a file being written reads as ENOENT or partial JSON). */
export function readRegistration(file: string): EndpointRegistration | string {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return (e as Error).message;
  }
  if (typeof raw !== 'object' || raw === null) return 'not a JSON object';
  const r = raw as Record<string, unknown>;
  const str = (field: string): string | undefined => (typeof r[field] === 'string' ? (r[field] as string) : undefined);
  const ip = str('ip');
  const containerId = str('containerId');
  const hostIfname = str('hostIfname');
  const ifindex = r['hostIfindex'];
  if (!containerId) return 'containerId: missing';
  if (!ip || !/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return `ip: ${JSON.stringify(r['ip'])} is not an IPv4 address`;
  if (!hostIfname) return 'hostIfname: missing';
  if (typeof ifindex !== 'number' || !Number.isInteger(ifindex) || ifindex < 1) return `hostIfindex: ${JSON.stringify(ifindex)} is not an interface index`;
  return { containerId, ip, hostIfname, hostIfindex: ifindex, podNamespace: str('podNamespace') ?? '', podName: str('podName') ?? '' };
}

function sameRegistrations(a: ReadonlyMap<string, EndpointRegistration>, b: ReadonlyMap<string, EndpointRegistration>): boolean {
  if (a.size !== b.size) return false;
  for (const [ip, r] of a) {
    const o = b.get(ip);
    if (!o || o.hostIfindex !== r.hostIfindex || o.containerId !== r.containerId || o.hostIfname !== r.hostIfname) return false;
  }
  return true;
}
