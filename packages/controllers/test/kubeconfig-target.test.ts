import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KubeConfigError } from '@netledger/k8s';
import { readKubeconfigTarget } from '../src/kubeconfig-target.js';

describe('readKubeconfigTarget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netledger-kubeconfig-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads the current context: server, CA data, a token file relative to the kubeconfig', () => {
    file('token', 'secret-token\n');
    const path = file(
      'a.yaml',
      `apiVersion: v1
kind: Config
current-context: ctx
contexts:
- name: ctx
  context: { cluster: c, user: u }
clusters:
- name: c
  cluster: { server: "https://10.0.0.1:6443/", certificate-authority-data: ${Buffer.from('CA').toString('base64')} }
users:
- name: u
  user: { tokenFile: token }
`,
    );
    const target = readKubeconfigTarget(path);
    assert.equal(target.server, 'https://10.0.0.1:6443');
    assert.equal(target.ca?.toString(), 'CA');
    assert.equal(target.token, 'secret-token');
    assert.equal(target.insecureSkipTlsVerify, false);
  });

  it('merges a list of files, the first definition winning', () => {
    const first = file('first.yaml', `current-context: local\ncontexts: [{ name: local, context: { cluster: local } }]\n`);
    const second = file(
      'second.yaml',
      `current-context: other\nclusters: [{ name: local, cluster: { server: "http://127.0.0.1:6443", insecure-skip-tls-verify: true } }]\n`,
    );
    const target = readKubeconfigTarget(`${first}${delimiter}${second}`);
    assert.equal(target.server, 'http://127.0.0.1:6443');
    assert.equal(target.token, undefined);
  });

  it('refuses plugins and missing pieces with a KubeConfigError naming them', () => {
    const exec = file(
      'exec.yaml',
      `current-context: x\ncontexts: [{ name: x, context: { cluster: c, user: cloud } }]\nclusters: [{ name: c, cluster: { server: "https://k" } }]\nusers: [{ name: cloud, user: { exec: { command: aws } } }]\n`,
    );
    assert.throws(() => readKubeconfigTarget(exec), (e: unknown) => e instanceof KubeConfigError && /user "cloud" authenticates through a plugin/.test(e.message));
    const dangling = file('dangling.yaml', `current-context: x\ncontexts: [{ name: x, context: { cluster: nowhere } }]\n`);
    assert.throws(() => readKubeconfigTarget(dangling), /names cluster "nowhere", which is not defined/);
    assert.throws(() => readKubeconfigTarget(join(dir, 'missing.yaml')), KubeConfigError);
  });
});
