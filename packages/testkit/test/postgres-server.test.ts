import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import {
  PostgresNotInstalledError,
  createTempDir,
  findPostgresBinaries,
  freePort,
  startPostgres,
  type PostgresServer,
} from '@netledger/testkit';

const external = Boolean(process.env['NETLEDGER_TEST_PG_URL']);

describe('startPostgres', () => {
  let server: PostgresServer | undefined;

  before(async () => {
    server = await startPostgres({ database: 'testkit_check' });
  });

  after(async () => {
    await server?.stop();
  });

  it('serves the created database on 127.0.0.1 at the returned port', async () => {
    assert.ok(server);
    const url = new URL(server.connectionString);
    // On an external server (NETLEDGER_TEST_PG_URL) each call gets its own, suffixed database.
    assert.match(url.pathname, external ? /^\/testkit_check_[0-9a-f]{12}$/ : /^\/testkit_check$/);
    assert.equal(Number(url.port || 5432), server.port);
    const client = new pg.Client({ connectionString: server.connectionString });
    await client.connect();
    try {
      const r = await client.query<{ db: string; fsync: string }>(`SELECT current_database() AS db, current_setting('fsync') AS fsync`);
      assert.equal(r.rows[0]?.db, url.pathname.slice(1));
      if (!external) assert.equal(r.rows[0]?.fsync, 'off');
    } finally {
      await client.end();
    }
  });

  it('stops for good: no connections afterwards, and stop() can be called twice', async () => {
    assert.ok(server);
    const stopped = server;
    await stopped.stop();
    await stopped.stop();
    const client = new pg.Client({ connectionString: stopped.connectionString, connectionTimeoutMillis: 5_000 });
    client.on('error', () => undefined);
    await assert.rejects(client.connect());
    await client.end().catch(() => undefined);
  });
});

describe('findPostgresBinaries', () => {
  it('throws PostgresNotInstalledError with an install instruction when the directory has no binaries', async () => {
    const dir = await createTempDir('netledger-nopg');
    try {
      assert.throws(
        () => findPostgresBinaries(dir.path),
        (e: unknown) =>
          e instanceof PostgresNotInstalledError &&
          e.searched.includes(dir.path) &&
          e.message.includes('apt-get install postgresql') &&
          !e.message.includes('\n'),
      );
    } finally {
      await dir.remove();
    }
  });

  it('startPostgres reports the same error before creating anything', async () => {
    const dir = await createTempDir('netledger-nopg');
    try {
      await assert.rejects(startPostgres({ binDir: dir.path, externalUrl: '' }), PostgresNotInstalledError);
    } finally {
      await dir.remove();
    }
  });
});

describe('createTempDir and freePort', () => {
  it('creates a directory that remove() deletes', async () => {
    const dir = await createTempDir('netledger-tk');
    assert.ok(existsSync(dir.path));
    await dir.remove();
    assert.ok(!existsSync(dir.path));
  });

  it('returns a usable port number', async () => {
    const port = await freePort();
    assert.ok(Number.isInteger(port) && port > 0 && port < 65536);
  });
});
