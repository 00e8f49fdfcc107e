import { existsSync } from 'node:fs';

let found: string | undefined;

/**
 * Path of iproute2's `ip`. It lives in sbin, which a PATH may lack (sudo, services, CI), so the
 * usual places are tried before the bare name.
 */
export function ipCommand(): string {
  found ??= ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p)) ?? 'ip';
  return found;
}
