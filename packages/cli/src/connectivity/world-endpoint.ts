import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CliError } from '../cli-error.js';

/**
 * The connectivity check's `world`: an HTTP server at an address outside the cluster, served on
 * this machine from its own network namespace (TEST-NET-2, RFC 5737, so it never collides with a
 * real network). The host routes to it over a veth; no netledger program sits on that veth, so
 * it is what a pod sees as the outside world.
 */
export const WORLD = { ip: '198.51.100.10', hostIp: '198.51.100.1', prefix: 24, netns: 'nl-world', hostIfname: 'nlworld0', port: 8080 } as const;

// A few lines of plain JS, run with node inside the namespace: answers every request with who it is.
const SERVER = `
const http = require('node:http');
const port = Number(process.argv[1]);
http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ pod: 'world', ip: ${JSON.stringify(WORLD.ip)}, port }) + '\\n');
}).listen(port, ${JSON.stringify(WORLD.ip)}, () => console.log('listening'));
`;

function ip(args: readonly string[], allowFail = false): string {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0 && !allowFail) throw new CliError(`world endpoint: ip ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`);
  return r.stdout ?? '';
}

/** Creates the namespace and veth once (idempotent). */
export function ensureWorldNetwork(): void {
  if (!existsSync(`/var/run/netns/${WORLD.netns}`)) ip(['netns', 'add', WORLD.netns]);
  if (!ip(['link', 'show', WORLD.hostIfname], true)) {
    ip(['link', 'add', WORLD.hostIfname, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', WORLD.netns]);
  }
  ip(['addr', 'replace', `${WORLD.hostIp}/${WORLD.prefix}`, 'dev', WORLD.hostIfname]);
  ip(['link', 'set', WORLD.hostIfname, 'up']);
  ip(['-n', WORLD.netns, 'addr', 'replace', `${WORLD.ip}/${WORLD.prefix}`, 'dev', 'eth0']);
  ip(['-n', WORLD.netns, 'link', 'set', 'eth0', 'up']);
  ip(['-n', WORLD.netns, 'link', 'set', 'lo', 'up']);
  ip(['-n', WORLD.netns, 'route', 'replace', 'default', 'via', WORLD.hostIp]);
}

/** Starts the world's HTTP server; resolves once it listens (or it already listened). */
export async function startWorldServer(): Promise<ChildProcess> {
  ensureWorldNetwork();
  const child = spawn('ip', ['netns', 'exec', WORLD.netns, process.execPath, '-e', SERVER, String(WORLD.port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CliError('world endpoint: the server did not start within 10 s')), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      // A server left from an earlier run holds the port: that one serves.
      if (err.includes('EADDRINUSE')) resolve();
      else reject(new CliError(`world endpoint: the server exited: ${err.trim()}`));
    });
  });
  return child;
}

/** Removes the namespace and its veth (tests and `netledger down`). */
export function removeWorldNetwork(): void {
  ip(['link', 'del', WORLD.hostIfname], true);
  if (existsSync(`/var/run/netns/${WORLD.netns}`)) ip(['netns', 'del', WORLD.netns], true);
}
