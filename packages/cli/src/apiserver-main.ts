// Composition root of the local API server process that `netledger up` runs.
import { parseArgs } from 'node:util';
import { startLocalApiServer } from '@netledger/kube-apiserver';
import { DataDir, DEFAULT_DATA_DIR, onShutdown, removeRunFile, writeRunFile } from '@netledger/runtime';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    'data-dir': { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'service-cidr': { type: 'string' },
    'exit-with-parent': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`netledger local Kubernetes API server

Usage: apiserver-main [--data-dir DIR] [--host HOST] [--port PORT] [--service-cidr CIDR]
  Objects in DIR/apiserver.db, kubeconfig written to DIR/kubeconfig.`);
} else {
  const dataDir = new DataDir(values['data-dir'] ?? DEFAULT_DATA_DIR);
  const port = Number(values.port ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port}: expected 0-65535`);
  const server = await startLocalApiServer({
    dataDir: dataDir.root,
    host: values.host ?? '127.0.0.1',
    port,
    ...(values['service-cidr'] ? { serviceCidr: values['service-cidr'] } : {}),
  });
  writeRunFile(dataDir, { component: 'apiserver', kind: 'apiserver', pid: process.pid, statusUrl: server.url, startedAt: new Date().toISOString() });
  process.stderr.write(`${new Date().toISOString()} INFO apiserver: serving ${server.url}, kubeconfig ${server.kubeconfigPath}\n`);
  onShutdown(
    async () => {
      removeRunFile(dataDir, 'apiserver');
      await server.stop();
    },
    { exitWithParent: values['exit-with-parent'] ?? false },
  );
}
