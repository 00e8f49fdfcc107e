/** `10.0.0.1:80/TCP`, or `[fd00::1]:80/TCP` for IPv6, as `cilium service list` prints addresses. */
export function formatAddress(ip: string, port: number, protocol: string): string {
  return `${ip.includes(':') ? `[${ip}]` : ip}:${port}/${protocol}`;
}
