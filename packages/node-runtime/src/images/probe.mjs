// Image netledger/probe: idles, so its network namespace stays a pod; `netledger probe` runs
// probe-client.mjs inside that namespace. Prints `ready` for the runtime's readiness check.
process.stdout.write('ready\n');
setInterval(() => undefined, 1 << 30);
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
