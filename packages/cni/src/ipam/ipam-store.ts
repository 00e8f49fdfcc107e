import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { formatIpv4, parseIpv4, type Ipv4Cidr } from '../ipv4.js';
import { IpamExhaustedError, IpamIoError } from './ipam-errors.js';

/** Who holds an address: the spec's key for plugin state (network name, container id, interface). */
export interface IpamOwner {
  readonly network: string;
  readonly containerId: string;
  readonly ifname: string;
}

/** One allocation, as stored in `<ipamDir>/<ip>`. */
export interface IpamRecord extends IpamOwner {
  readonly ip: string;
  readonly allocatedAt: string;
}

export interface IpamStoreOptions {
  readonly dir: string;
  readonly podCIDR: Ipv4Cidr;
  /** Never handed out (the node's own address on the pod network). */
  readonly routerIP: string;
}

// Where the next search starts (like host-local's last_reserved_ip): addresses go round the
// pool instead of the lowest free one coming back at once, so a released address rests
// while the cluster forgets it. Only a hint: allocation stays correct without it.
const HINT_FILE = 'last-reserved';
const TMP_PREFIX = '.tmp-';
// A temp file this old belongs to a plugin that died between writing and linking it.
const STALE_TMP_MS = 10 * 60 * 1000;

/**
 * IPAM on disk: one file per allocated address, named after it, holding its owner. A file is
 * claimed with link(2) from a fully written temp file: link fails with EEXIST when the name
 * exists, exactly like O_CREAT|O_EXCL, so two plugins running ADD at once never get the same
 * address, and a reader never sees a half-written record. Nothing is cached: every call reads
 * the directory, so state survives restarts and concurrent plugins see each other.
 */
export class IpamStore {
  readonly #dir: string;
  readonly #cidr: Ipv4Cidr;
  readonly #router: number;

  constructor(opts: IpamStoreOptions) {
    this.#dir = opts.dir;
    this.#cidr = opts.podCIDR;
    this.#router = parseIpv4(opts.routerIP) ?? -1;
  }

  /** The owner's address when it has one in the pod CIDR, else a new one. */
  allocate(owner: IpamOwner, now: Date = new Date()): IpamRecord {
    const records = this.list();
    const existing = records.find((r) => sameOwner(r, owner) && this.#inPool(parseIpv4(r.ip) ?? -1));
    if (existing) return existing;

    this.#mkdir();
    const record: IpamRecord = { ip: '', ...owner, allocatedAt: now.toISOString() };
    const tmp = join(this.#dir, `${TMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
    this.#writeDurably(tmp, JSON.stringify({ ...record, ip: undefined }) + '\n');
    try {
      const taken = new Set(records.map((r) => r.ip));
      for (const addr of this.#candidates()) {
        const ip = formatIpv4(addr);
        if (taken.has(ip)) continue;
        if (this.#claim(tmp, ip)) {
          this.#writeHint(ip);
          return { ...record, ip };
        }
      }
    } finally {
      tryUnlink(tmp);
    }
    throw new IpamExhaustedError(this.#cidr.text, this.#dir, this.list().length);
  }

  /** The owner's allocation in the pod CIDR, if any. */
  find(owner: IpamOwner): IpamRecord | undefined {
    return this.list().find((r) => sameOwner(r, owner) && this.#inPool(parseIpv4(r.ip) ?? -1));
  }

  /** Removes the owner's allocations (in any range: a changed podCIDR leaves none behind); missing is fine. */
  release(owner: IpamOwner): IpamRecord[] {
    const mine = this.list().filter((r) => sameOwner(r, owner));
    for (const r of mine) tryUnlink(join(this.#dir, r.ip));
    return mine;
  }

  /** Every allocation in the directory (any range), oldest names first. */
  list(): IpamRecord[] {
    let names: string[];
    try {
      names = readdirSync(this.#dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new IpamIoError(this.#dir, 'reading', e);
    }
    const out: IpamRecord[] = [];
    for (const name of names) {
      if (name.startsWith(TMP_PREFIX)) {
        this.#removeIfStale(name);
        continue;
      }
      if (parseIpv4(name) === undefined) continue;
      const record = readRecord(join(this.#dir, name), name);
      if (record) out.push(record);
    }
    return out;
  }

  #inPool(addr: number): boolean {
    return addr > this.#cidr.network && addr < this.#cidr.network + this.#cidr.size - 1 && addr !== this.#router;
  }

  /** Every usable address once, starting after the last one handed out. */
  *#candidates(): Generator<number> {
    const first = this.#cidr.network + 1;
    const count = this.#cidr.size - 2;
    const hint = parseIpv4(readText(join(this.#dir, HINT_FILE))?.trim() ?? '');
    const start = hint !== undefined && this.#inPool(hint) ? hint + 1 - first : 0;
    for (let i = 0; i < count; i++) {
      const addr = first + ((start + i) % count);
      if (this.#inPool(addr)) yield addr;
    }
  }

  #claim(tmp: string, ip: string): boolean {
    const path = join(this.#dir, ip);
    try {
      linkSync(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new IpamIoError(path, 'creating', e);
    }
    fsyncDir(this.#dir);
    return true;
  }

  #writeHint(ip: string): void {
    const tmp = join(this.#dir, `${TMP_PREFIX}hint-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      writeFileSync(tmp, ip + '\n');
      renameSync(tmp, join(this.#dir, HINT_FILE));
    } catch {
      // Only a hint: the allocation already stands.
      tryUnlink(tmp);
    }
  }

  #writeDurably(path: string, text: string): void {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeFileSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      throw new IpamIoError(path, 'writing', e);
    }
  }

  #mkdir(): void {
    try {
      mkdirSync(this.#dir, { recursive: true });
    } catch (e) {
      throw new IpamIoError(this.#dir, 'creating', e);
    }
  }

  #removeIfStale(name: string): void {
    const path = join(this.#dir, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_TMP_MS) unlinkSync(path);
    } catch {
      // Gone already, or another plugin's: either way not ours to worry about.
    }
  }
}

function sameOwner(a: IpamOwner, b: IpamOwner): boolean {
  return a.containerId === b.containerId && a.ifname === b.ifname && a.network === b.network;
}

function readRecord(path: string, ip: string): IpamRecord | undefined {
  const text = readText(path);
  if (text === undefined) return undefined;
  try {
    const r = JSON.parse(text) as Record<string, unknown>;
    const str = (k: string): string => (typeof r[k] === 'string' ? (r[k] as string) : '');
    return { ip, network: str('network'), containerId: str('containerId'), ifname: str('ifname'), allocatedAt: str('allocatedAt') };
  } catch {
    // A file someone edited by hand: the address stays taken, owned by nobody we know.
    return { ip, network: '', containerId: '', ifname: '', allocatedAt: '' };
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Durability of the name across a power loss is best effort; the claim itself stands.
  }
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Missing is fine.
  }
}
