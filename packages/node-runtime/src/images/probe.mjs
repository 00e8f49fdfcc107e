// Image netledger/probe: idles, so its network namespace stays a pod; `netledger probe` runs
// probe-client.mjs inside that namespace. Prints `ready` for the runtime's readiness check.
// Handlers first: a SIGTERM right after `ready` must end the container with code 0 (Completed).
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
setInterval(() => undefined, 1 << 30);
process.stdout.write('ready\n');
