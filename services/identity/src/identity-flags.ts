import { ConfigError } from '@netledger/runtime';
import type { IdentityOptions } from './identity-options.js';

/** Help lines for the identity service's own flags, printed after the common service flags. */
export const IDENTITY_FLAGS_HELP = `  --identity-label-exclude REGEX[,REGEX]
                       label keys that do not count for identities; replaces the default list
                       (pod-template-hash, controller-revision-hash, pod-template-generation,
                       controller-uid, job-name, statefulset.kubernetes.io/pod-name,
                       apps.kubernetes.io/pod-index, batch.kubernetes.io/{controller-uid,job-name,
                       job-completion-index}); an empty value keeps every label
  --identity-gc-grace DURATION
                       release an unreferenced identity after this long (default 15m; e.g. 90s, 1h30m)`;

const FLAGS = ['identity-label-exclude', 'identity-gc-grace'] as const;
type IdentityFlag = (typeof FLAGS)[number];

/** The identity flags found in argv, and argv without them (for the common service parser). */
export interface IdentityArgs {
  readonly options: Pick<IdentityOptions, 'labelExclude' | 'gcGraceMs'>;
  readonly rest: string[];
}

/**
 * Takes the identity service's own flags out of argv (`--flag VALUE` or `--flag=VALUE`) and
 * parses them; the rest goes to the shared service parser, which rejects unknown flags.
 */
export function parseIdentityArgs(argv: readonly string[]): IdentityArgs {
  const raw = new Map<IdentityFlag, string>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const flag = FLAGS.find((f) => arg === `--${f}` || arg.startsWith(`--${f}=`));
    if (!flag) {
      rest.push(arg);
      continue;
    }
    if (arg.includes('=')) {
      raw.set(flag, arg.slice(arg.indexOf('=') + 1));
    } else {
      const value = argv[i + 1];
      if (value === undefined) throw new ConfigError(flag, 'needs a value');
      raw.set(flag, value);
      i++;
    }
  }
  const exclude = raw.get('identity-label-exclude');
  const grace = raw.get('identity-gc-grace');
  return {
    options: {
      ...(exclude !== undefined ? { labelExclude: parseRegexList('identity-label-exclude', exclude) } : {}),
      ...(grace !== undefined ? { gcGraceMs: parseDuration('identity-gc-grace', grace) } : {}),
    },
    rest,
  };
}

function parseRegexList(flag: string, value: string): RegExp[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((source) => {
      try {
        return new RegExp(source);
      } catch (e) {
        throw new ConfigError(flag, `${JSON.stringify(source)} is not a regular expression: ${(e as Error).message}`);
      }
    });
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration (`15m`, `90s`, `1h30m`, `500ms`, `0`) into milliseconds. */
export function parseDuration(flag: string, value: string): number {
  const text = value.trim();
  if (text === '0') return 0;
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = part.exec(text); m; m = part.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    end = part.lastIndex;
  }
  if (end === 0 || end !== text.length) throw new ConfigError(flag, `expected a duration like 15m, 90s or 1h30m, got ${JSON.stringify(value)}`);
  return total;
}
