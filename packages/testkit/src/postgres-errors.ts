/** PostgreSQL server binaries are not installed where the test kit looks for them. */
export class PostgresNotInstalledError extends Error {
  readonly code = 'POSTGRES_NOT_INSTALLED';
  constructor(
    /** Directories searched for `initdb` and `postgres`. */
    readonly searched: readonly string[],
  ) {
    super(
      `PostgreSQL server binaries (initdb, postgres) not found in ${searched.join(', ')}: ` +
        'run `apt-get install postgresql`, or set NETLEDGER_PG_BIN to their directory',
    );
    this.name = new.target.name;
  }
}

/** A throwaway PostgreSQL server did not come up, or a test database could not be created. */
export class PostgresStartError extends Error {
  readonly code = 'POSTGRES_START_FAILED';
  constructor(
    /** What was being done: "initdb", "start on port 5433", "create database netledger_test", ... */
    readonly step: string,
    reason: string,
    /** Last lines the server or tool printed, to see why without digging for its log. */
    readonly logTail: string,
    options?: { cause?: unknown },
  ) {
    super(`postgres test server, ${step}: ${reason}${logTail ? `\n--- server output (tail) ---\n${logTail}` : ''}`, options);
    this.name = new.target.name;
  }
}
