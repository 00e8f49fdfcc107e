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

/**
 * The `authorization` block of a nats-server config: every user by public NKEY with its
 * permissions. The file holds no secret (seeds stay in the users' credentials files).
 */
export function natsAuthorizationConfig(users: readonly NatsServerUser[]): string {
  const entries = users.map((u) => {
    const p = u.permissions;
    const responses = p.allowResponses ? `, allow_responses: { max: ${RESPONSES_PER_REQUEST}, expires: "1m" }` : '';
    return (
      `    # ${u.name}\n` +
      `    { nkey: ${q(u.publicKey)}, permissions: { publish: { allow: ${list(p.publish.allow)} }, subscribe: { allow: ${list(p.subscribe.allow)} }${responses} } }`
    );
  });
  return `# Written by netledger: one user per credentials file (docs/security.md).\nauthorization {\n  users = [\n${entries.join(',\n')}\n  ]\n}\n`;
}
