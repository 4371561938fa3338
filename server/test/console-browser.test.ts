import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addTrigger, createQueueClient, JobFailure, runWorker, type Worker } from '@jobforge/queue';
import type { Runtime } from '@jobforge/runtime';
import { generateSigningKeyPair } from '@jobforge/sdk';
import { createApiClient } from '@jobforge/sdk/api';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { folderCatalog } from '../src/mcp/connector-catalog.js';
import { recordEchoRun, startTestRuntime, startTestServer, TENANT_A } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
const title = present
  ? 'the console in headless Chromium'
  : `the console in headless Chromium — SKIPPED: ${CHROMIUM} is absent (apt-get install -y chromium)`;
if (!present) console.warn(title);

// Screenshots of each page are kept as test artifacts (gitignored).
const SHOTS = join(import.meta.dirname, '..', '.artifacts', 'console');

let t: Awaited<ReturnType<typeof startTestServer>>;
let worker: Worker;
let profile: string;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];
let deadId: string;
let runtime: Runtime;
const host = generateSigningKeyPair();
const artifacts = mkdtempSync(join(tmpdir(), 'jobforge-console-runs-'));

beforeAll(async () => {
  if (!present) return;
  mkdirSync(SHOTS, { recursive: true });
  vi.stubEnv('JOBFORGE_TRIGGERS_ENABLED', '1');
  vi.stubEnv('JOBFORGE_RUNS_ENABLED', '1');
  t = await startTestServer({
    connectors: {
      source: 'folder connectors',
      connectors: await folderCatalog(join(import.meta.dirname, '../../connectors')),
    },
    runs: { artifactsDir: artifacts, publicKey: host.publicKeyPem },
  });
  await addTrigger(
    t.sessions.forTenant(TENANT_A),
    { name: 'nightly-report', cron: '0 3 * * *', timezone: 'Europe/Berlin', jobType: 'console.ok' },
    {},
  );
  const api = createApiClient({ baseUrl: t.url, apiKey: t.keyA });
  // A job that fails on its only attempt (dead), then succeeds once retried.
  let tries = 0;
  worker = await runWorker({
    client: createQueueClient(t.db.driver()),
    concurrency: 2,
    pollMs: 100,
    handlers: {
      'console.flaky': async () => {
        tries++;
        if (tries === 1)
          throw new JobFailure('UPSTREAM_DOWN', 'the upstream was down', { retryable: false });
        return { delivered: true };
      },
      'console.ok': async () => ({ fine: true }),
    },
  });
  await api.enqueueJob({ body: { type: 'console.ok', payload: { n: 1 } } });
  deadId = (
    await api.enqueueJob({ body: { type: 'console.flaky', payload: { n: 2 }, max_attempts: 1 } })
  ).data.id;
  for (let i = 0; (await api.getJob({ params: { id: deadId } })).data.status !== 'dead'; i++) {
    if (i > 200) throw new Error('the flaky job never went dead');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const { chromium } = await import('playwright-core');
  profile = mkdtempSync(join(tmpdir(), 'jobforge-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('request', (request) => requests.push(request.url()));
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await runtime?.close();
  rmSync(artifacts, { recursive: true, force: true });
  await context?.close();
  await worker?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe.skipIf(!present)(title, () => {
  it('loads, takes a key, lists and filters jobs by status', async () => {
    await page.goto(`${t.url}/`);
    await page.getByLabel('API key').fill(t.keyA);
    await page.getByRole('button', { name: 'Use key' }).press('Enter');
    await expect.poll(() => page.locator('h2').textContent()).toBe('Jobs');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    await page.screenshot({ path: join(SHOTS, 'jobs.png'), fullPage: true });

    await page.getByLabel('Status').selectOption('dead');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody').textContent()).toContain('console.flaky');
    await page.screenshot({ path: join(SHOTS, 'jobs-filtered.png'), fullPage: true });
  });

  it('opens the dead job, retries it, and sees it succeed (live)', async () => {
    await page.goto(`${t.url}/#/dead`);
    await expect.poll(() => page.locator('h2').textContent()).toBe('Dead letters');
    await page.screenshot({ path: join(SHOTS, 'dead-letters.png'), fullPage: true });
    await page.getByRole('link', { name: `#${deadId}` }).click();
    await expect.poll(() => page.locator('h2').textContent()).toContain('dead');
    expect(await page.locator('table').textContent()).toContain('UPSTREAM_DOWN');
    await page.screenshot({ path: join(SHOTS, 'dead-job.png'), fullPage: true });

    // Keyboard only: focus the button and press Enter.
    await page.locator('#retry').focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('h2').textContent(), { timeout: 20_000 })
      .toContain('succeeded');
    expect(await page.locator('#result').textContent()).toContain('"delivered": true');
    await page.screenshot({ path: join(SHOTS, 'job-succeeded.png'), fullPage: true });
  });

  it('is readable on a narrow screen and loads nothing from elsewhere', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`${t.url}/#/jobs`);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow as number).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'jobs-narrow.png'), fullPage: true });
    const origin = new URL(t.url).origin;
    expect(requests.filter((url) => !url.startsWith(origin))).toEqual([]);
  });

  it('lists triggers and pauses and resumes one with the keyboard', async () => {
    await page.setViewportSize({ width: 1100, height: 800 });
    await page.goto(`${t.url}/#/triggers`);
    await expect.poll(() => page.locator('h2').textContent()).toBe('Triggers');
    expect(await page.locator('tbody').textContent()).toContain('0 3 * * * (Europe/Berlin)');
    await page.getByRole('button', { name: 'Pause nightly-report' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#message').textContent()).toContain('is now paused');
    await expect.poll(() => page.locator('tbody .status').textContent()).toBe('paused');
    await page.screenshot({ path: join(SHOTS, 'triggers.png'), fullPage: true });
    await page.getByRole('button', { name: 'Resume nightly-report' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('tbody .status').textContent()).toBe('enabled');
  });

  it('lists the connectors the server loaded', async () => {
    await page.goto(`${t.url}/#/connectors`);
    await expect.poll(() => page.locator('h2').textContent()).toBe('Connectors');
    expect(await page.locator('main').textContent()).toContain('Loaded from folder connectors.');
    expect(await page.locator('tbody').textContent()).toContain('echo__echo_say');
    await page.screenshot({ path: join(SHOTS, 'connectors.png'), fullPage: true });
  });

  it("verifies a run's evidence in the server and shows the result", async () => {
    runtime = await startTestRuntime(host.privateKeyPem);
    const jobId = await recordEchoRun(t, runtime, artifacts, 'verify me');
    await page.goto(`${t.url}/#/jobs/${jobId}`);
    await expect.poll(() => page.locator('h2').textContent()).toContain(`Job #${jobId}`);
    await page.locator('#verify').focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#verification').textContent())
      .toContain(`Run ${jobId}.1 verifies (signature checked with the host key)`);
    expect(await page.locator('#verification tbody').textContent()).toContain('output.json');
    await page.screenshot({ path: join(SHOTS, 'run-verified.png'), fullPage: true });
  });

  it('shows a clear message for a wrong key', async () => {
    await page.getByLabel('API key').fill('jf_000000000000_not-a-key');
    await page.getByRole('button', { name: 'Use key' }).click();
    await expect.poll(() => page.locator('#message').textContent()).toContain('API_KEY_INVALID');
  });
});
