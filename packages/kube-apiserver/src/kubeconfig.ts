import { writeFileSync } from 'node:fs';

/**
 * A kubeconfig for a plain-HTTP, no-auth server. Strings are written as JSON-quoted YAML scalars
 * so no value can break the document.
 *
 * `insecure-skip-tls-verify` looks odd for plain HTTP, but @kubernetes/client-node 1.x refuses an
 * `http:` server unless it is set; kubectl ignores it for `http:`.
 */
export function renderKubeconfig(serverUrl: string, name = 'netledger-local'): string {
  const q = (s: string): string => JSON.stringify(s);
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(name)}`,
    '  cluster:',
    `    server: ${q(serverUrl)}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: ${q(name)}`,
    '  user: {}',
    'contexts:',
    `- name: ${q(name)}`,
    '  context:',
    `    cluster: ${q(name)}`,
    `    user: ${q(name)}`,
    `    namespace: "default"`,
    `current-context: ${q(name)}`,
    'preferences: {}',
    '',
  ].join('\n');
}

/** Writes the kubeconfig readable by its owner only, like kubeadm does. */
export function writeKubeconfig(path: string, serverUrl: string): void {
  writeFileSync(path, renderKubeconfig(serverUrl), { mode: 0o600 });
}
