// Keys of the LB state. Separators are chosen so no part can contain them: Kubernetes names
// and port names have no '/' or '|', and IPv6 addresses contain ':' but never '|'.

/** The log stream of a service: `service/<namespace>/<name>`. */
export function serviceStream(serviceKey: string): string {
  return `service/${serviceKey}`;
}

/** The service key (`namespace/name`) of a `service/...` stream, or undefined for another stream. */
export function serviceKeyOfStream(stream: string): string | undefined {
  return stream.startsWith('service/') ? stream.slice('service/'.length) : undefined;
}

/** Key of a datapath service-map entry: one frontend address. */
export function frontendKey(ip: string, port: number, protocol: string): string {
  return `${ip}|${port}|${protocol}`;
}

/** Key of a backend: what a backend id stands for. */
export function backendKey(ip: string, port: number, protocol: string): string {
  return `${ip}|${port}|${protocol}`;
}

/** Key of a backend's membership in a service port. */
export function memberKey(portName: string, backend: string): string {
  return `${portName}|${backend}`;
}
