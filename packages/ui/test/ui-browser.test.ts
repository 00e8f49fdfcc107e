import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { missingStackCapability, netledgerCli, upTestStack, type CliRun } from '@netledger/testkit';
import { DataDir, fetchStatus, isAlive, readRunFiles } from '@netledger/runtime';

// The browser acceptance: a root stack with the datapath (and the UI process `up` runs),
// the connectivity check for traffic, and Debian's chromium driven by playwright-core: the page
// loads, the service map shows the check's workloads with allowed and denied edges, clicking a
// flow shows its details (with the deciding policy). Screenshots go to the artifacts directory.

const CHROMIUM = '/usr/bin/chromium';
const NS = 'connectivity-check';
const artifacts = resolve(process.env['TEST_ARTIFACTS_DIR'] ?? fileURLToPath(new URL('../test-artifacts/', import.meta.url)));

/** Why this machine cannot run the test, or undefined. */
function missingCapability(): string | undefined {
  if (!existsSync(CHROMIUM)) return `chromium is not installed (${CHROMIUM}; apt-get install chromium, or npm test's bootstrap as root)`;
  return missingStackCapability();
}

const netledger = (dataDir: string, ...args: string[]): Promise<CliRun> => netledgerCli(dataDir, args);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The web app's URL of the UI running from `dataDir` (its status says where), once it is up. */
async function uiUrl(dataDir: DataDir, deadline: number): Promise<string> {
  while (Date.now() < deadline) {
    const info = readRunFiles(dataDir).find((r) => r.component === 'ui');
    if (info?.statusUrl && isAlive(info.pid)) {
      const status = await fetchStatus(info.statusUrl);
      if (typeof status?.['url'] === 'string') return status['url'];
    }
    await sleep(200);
  }
  throw new Error(`the ui process did not write its run file in ${dataDir.run}`);
}

describe('web UI in headless chromium against a running stack', { concurrency: false, timeout: 900_000 }, () => {
  const missing = missingCapability();
  let dataDir = '';
  let profile = '';
  const pinDir = `/sys/fs/bpf/netledger-test-ui-${process.pid}`;
  let url = '';
  let context: BrowserContext | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    if (missing) return;
    dataDir = mkdtempSync(join(tmpdir(), 'netledger-ui-'));
    const up = await upTestStack(dataDir, { node: 'ui-node', pinDir, podCidr: '10.232.0.0/24', serviceCidr: '10.95.0.0/16' });
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    const check = await netledger(dataDir, 'connectivity', 'test', '-o', 'json');
    assert.equal(check.code, 0, `the connectivity check failed, so the map would lack its traffic:\n${check.stdout}\n${check.stderr}`);

    // `netledger up` runs the ui process (src/main.ts) with the stack; its status says where the app is.
    url = await uiUrl(new DataDir(dataDir), Date.now() + 60_000);

    profile = mkdtempSync(join(tmpdir(), 'netledger-ui-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1500, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    mkdirSync(artifacts, { recursive: true });
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (!dataDir) return;
    await netledger(dataDir, 'down');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(pinDir, { recursive: true, force: true });
  });

  /** The whole page, or what the viewport shows (the drawer is fixed to the viewport). */
  const screenshot = async (name: string, fullPage: boolean): Promise<void> => {
    const file = join(artifacts, name);
    // Transitions (the drawer sliding in) are finished first, so the picture is the settled page.
    await page.screenshot({ path: file, fullPage, animations: 'disabled' });
    console.log(`screenshot: ${file}`);
  };

  it('loads the page against the stack', { skip: missing }, async () => {
    await page.goto(url);
    assert.equal(await page.title(), 'netledger');
    await page.waitForSelector('body[data-map-loaded="true"]', { timeout: 30_000 });
    await page.waitForSelector('#stack-info .dot.ok', { timeout: 10_000 });
    assert.match(await page.textContent('#stack-info') ?? '', /ui-node/);
    assert.deepEqual(pageErrors, []);
  });

  it("shows the connectivity check's workloads on the service map, with allowed and denied edges", { skip: missing }, async () => {
    for (const name of ['echo-a', 'echo-b', 'pod-to-a', 'pod-to-a-allowed-cnp', 'pod-to-a-denied-cnp', 'pod-to-b-clusterip', 'pod-to-b-nodeport', 'pod-to-external-allowed-cidr', 'pod-to-external-denied-cidr']) {
      await page.waitForSelector(`.map-node[data-id="workload:${NS}/${name}"]`, { timeout: 30_000 });
    }
    for (const name of ['echo-a', 'echo-b']) await page.waitForSelector(`.map-node[data-id="service:${NS}/${name}"]`);
    assert.ok(await page.$(`.ns[data-namespace="${NS}"]`), 'the namespace is drawn as a group');

    // Flows reach the map on its next refresh: ask for one until the edges are there.
    const allowed = `path.map-edge[data-kind="flow"][data-source="workload:${NS}/pod-to-a"][data-target="service:${NS}/echo-a"][data-verdict="forwarded"]`;
    const denied = `path.map-edge[data-kind="flow"][data-source="workload:${NS}/pod-to-a-denied-cnp"][data-target="service:${NS}/echo-a"][data-verdict="dropped"]`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !((await page.$(allowed)) && (await page.$(denied)))) {
      await page.click('#map-refresh');
      await page.waitForTimeout(1000);
    }
    assert.ok(await page.$(allowed), 'pod-to-a -> echo-a is a forwarded (green) edge');
    assert.ok(await page.$(denied), 'pod-to-a-denied-cnp -> echo-a is a dropped (red) edge');
    assert.ok(await page.$('path.map-edge[data-kind="flow"][data-verdict="dropped"][data-target^="external:"]'), 'the denied CIDR probe is a dropped edge to outside the cluster');
    // Evaluated as text: this file is type-checked without the DOM's types.
    const colours = (await page.evaluate(`[...new Set([...document.querySelectorAll('path.map-edge[data-kind="flow"]')].map((e) => getComputedStyle(e).stroke))]`)) as string[];
    assert.ok(colours.includes('rgb(22, 163, 74)') && colours.includes('rgb(220, 38, 38)'), `edges drawn green and red: ${colours.join(', ')}`);
    await screenshot('ui-service-map.png', true);

    // The denied edge names its policy and leads to its flows.
    await page.dispatchEvent(denied, 'click');
    const edge = (await (await page.waitForSelector('#drawer.open [data-testid="edge-details"]')).textContent()) ?? '';
    assert.match(edge, /policy-denied/);
    assert.match(edge, new RegExp(`CiliumNetworkPolicy/${NS}/pod-to-a-denied-cnp`));
    await page.click('#drawer.open a:text("show these flows")');
    await page.waitForFunction(
      `(() => { const rows = [...document.querySelectorAll('tr.flow-row')]; return rows.length > 0 && rows.every((r) => r.dataset.source.startsWith('pod-to-a-denied-cnp')); })()`,
      undefined,
      { timeout: 15_000 },
    );
    await page.click('#flow-filters button[type="reset"]');
  });

  it('shows a flow with its details and deciding policy when clicked', { skip: missing }, async () => {
    const row = `tr.flow-row[data-verdict="DROPPED"][data-source^="pod-to-a-denied-cnp"]`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(await page.$(row))) {
      await page.click('#flow-filters button[type="submit"]');
      await page.waitForTimeout(1000);
    }
    await page.click(row);
    const details = await page.waitForSelector('#drawer.open [data-testid="flow-details"]', { timeout: 10_000 });
    const text = (await details.textContent()) ?? '';
    assert.match(text, /DROPPED/);
    assert.match(text, /policy-denied/);
    assert.match(text, /pod-to-a-denied-cnp/);
    const policy = (await page.textContent('[data-testid="deciding-policy"]')) ?? '';
    assert.match(policy, new RegExp(`CiliumNetworkPolicy/${NS}/pod-to-a-denied-cnp`));
    assert.match(policy, /deny/);
    await screenshot('ui-flow-details.png', false);
  });

  it("opens a workload's event history from the map, and lists the policies in force", { skip: missing }, async () => {
    await page.click('#drawer-close');
    await page.click(`.map-node[data-id="workload:${NS}/pod-to-a-denied-cnp"]`);
    const history = await page.waitForSelector('#drawer.open [data-testid="history"] .timeline', { timeout: 15_000 });
    assert.match((await history.textContent()) ?? '', /EndpointUpserted/);
    const policies = await page.$$eval('[data-testid="policy"]', (cards) => cards.map((c) => c.getAttribute('data-ref')));
    assert.ok(policies.includes(`CiliumNetworkPolicy/${NS}/pod-to-a-denied-cnp`), `policies listed: ${policies.join(', ')}`);
    await screenshot('ui-history.png', false);
    assert.deepEqual(pageErrors, []);
  });
});
