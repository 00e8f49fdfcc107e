import { spawn } from 'node:child_process';
import { dirname } from 'node:path';

/** The CNI_* variables besides CNI_COMMAND. */
export interface CniInvokeEnv {
  readonly containerId?: string;
  /** Path of the network namespace (empty or absent on a DEL whose netns is gone). */
  readonly netns?: string;
  readonly ifname?: string;
  /** CNI_ARGS pairs, e.g. K8S_POD_NAMESPACE, K8S_POD_NAME, K8S_POD_UID. */
  readonly args?: Readonly<Record<string, string>>;
  /** CNI_PATH; default: the plugin's directory. */
  readonly cniPath?: string;
  /** The rest of the environment, as libcni passes its own; default: this process's. */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
}

export interface CniInvokeOptions {
  /** Kill the plugin after this long (its run then fails); default 60 s. */
  readonly timeoutMs?: number;
}

/** What the plugin process did. */
export interface CniExecResult {
  /** null when it was killed. */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON; undefined when empty or not JSON. */
  readonly output: unknown;
}

/** A plugin run failed: its CNI error (`code`, `msg`, `details`) when it printed one. */
export class CniPluginError extends Error {
  constructor(
    readonly command: string,
    readonly pluginPath: string,
    /** The CNI error code; undefined when the plugin printed no error JSON (crash, timeout). */
    readonly code: number | undefined,
    readonly msg: string,
    readonly details: string | undefined,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`CNI ${command} (${pluginPath}) failed${code === undefined ? '' : ` with code ${code}`}: ${msg}`);
    this.name = 'CniPluginError';
  }
}

/**
 * Runs a CNI plugin exactly as a runtime does (CNI_* in the environment, the network config on
 * stdin) and returns what it did, success or not.
 */
export function execCni(pluginPath: string, command: string, env: CniInvokeEnv, config: unknown, opts: CniInvokeOptions = {}): Promise<CniExecResult> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env.baseEnv ?? process.env)) if (v !== undefined) childEnv[k] = v;
  Object.assign(childEnv, {
    CNI_COMMAND: command,
    CNI_CONTAINERID: env.containerId ?? '',
    CNI_NETNS: env.netns ?? '',
    CNI_IFNAME: env.ifname ?? '',
    CNI_ARGS: Object.entries(env.args ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(';'),
    CNI_PATH: env.cniPath ?? dirname(pluginPath),
  });
  return new Promise((resolve, reject) => {
    const child = spawn(pluginPath, [], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr, output: parseJson(stdout) }));
    // A plugin that exits without reading stdin (VERSION) closes the pipe: that is not an error.
    child.stdin.on('error', () => {});
    child.stdin.end(config === undefined ? '' : JSON.stringify(config));
  });
}

/**
 * Runs a CNI plugin as a runtime does and returns its result (the parsed stdout; undefined for
 * DEL and CHECK, which print nothing). Throws CniPluginError when it fails.
 */
export async function invokeCni(pluginPath: string, command: string, env: CniInvokeEnv, config: unknown, opts: CniInvokeOptions = {}): Promise<unknown> {
  const r = await execCni(pluginPath, command, env, config, opts);
  if (r.exitCode === 0) return r.output;
  const e = r.output as { code?: unknown; msg?: unknown; details?: unknown } | undefined;
  if (typeof e?.code === 'number') {
    throw new CniPluginError(command, pluginPath, e.code, String(e.msg ?? ''), typeof e.details === 'string' ? e.details : undefined, r.exitCode, r.stderr);
  }
  const said = (r.stderr.trim() || r.stdout.trim()).slice(-500);
  const how = r.exitCode === null ? 'killed (timeout)' : `exit code ${r.exitCode}`;
  throw new CniPluginError(command, pluginPath, undefined, said ? `${how}: ${said}` : how, undefined, r.exitCode, r.stderr);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
