export { createTempDir, type TempDir } from './temp-dir.js';
export { freePort } from './free-port.js';
export { startPostgres, type PostgresServer, type StartPostgresOptions } from './postgres-server.js';
export { findPostgresBinaries, type PostgresBinaries } from './postgres-binaries.js';
export { PostgresNotInstalledError, PostgresStartError } from './postgres-errors.js';
export { startNats, type TestNats, type StartNatsOptions } from './nats.js';
export { netledgerCli, missingStackCapability, upTestStack, NETLEDGER_BIN, type CliRun, type TestStackOptions } from './netledger-cli.js';
export { waitFor } from './wait-for.js';
