import type { NatsPermissions } from './nats-permissions.js';

/** A user as the server knows it: its public NKEY and what it may do. */
export interface NatsServerUser {
  /** For the comment next to the entry only. */
  readonly name: string;
  readonly publicKey: string;
  readonly permissions: NatsPermissions;
}

// nats-server's config format accepts JSON values, so quoting with JSON.stringify is exact.
const q = (s: string): string => JSON.stringify(s);
const list = (xs: readonly string[]): string => `[${xs.map(q).join(', ')}]`;

// A flow query is answered in several messages when the answer is large (docs/flows.md); the
// server's default of one response per request would cut it after the first part.
const RESPONSES_PER_REQUEST = 1000;

/** What the server config holds besides the users. */
export interface NatsServerConfigOptions {
  /** JetStream's store directory (the server's `-sd`). */
  readonly jetStreamStoreDir: string;
}

/**
 * A nats-server config: JetStream with its store, and every user by public NKEY with its
 * permissions. The file holds no secret (seeds stay in the users' credentials files).
 * JetStream is in the file, not only on the command line, because a reload (SIGHUP, how
 * `netledger credentials add` takes effect) applies the file and shuts JetStream down when
 * the file does not enable it (seen on 2.9).
 */
export function natsServerConfig(users: readonly NatsServerUser[], options: NatsServerConfigOptions): string {
  const entries = users.map((u) => {
    const p = u.permissions;
    const responses = p.allowResponses ? `, allow_responses: { max: ${RESPONSES_PER_REQUEST}, expires: "1m" }` : '';
    return (
      `    # ${u.name}\n` +
      `    { nkey: ${q(u.publicKey)}, permissions: { publish: { allow: ${list(p.publish.allow)} }, subscribe: { allow: ${list(p.subscribe.allow)} }${responses} } }`
    );
  });
  return (
    `# Written by netledger: one user per credentials file (docs/security.md).\n` +
    `jetstream {\n  store_dir: ${q(options.jetStreamStoreDir)}\n}\n` +
    `authorization {\n  users = [\n${entries.join(',\n')}\n  ]\n}\n`
  );
}
