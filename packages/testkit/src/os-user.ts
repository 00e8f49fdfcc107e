import { readFileSync } from 'node:fs';

/** Numeric ids to run a child process as. */
export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** Looks a user up in /etc/passwd; undefined when there is no such user. */
export function lookupOsUser(name: string, passwdFile = '/etc/passwd'): OsUser | undefined {
  for (const line of readFileSync(passwdFile, 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}
