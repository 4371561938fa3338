import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yankVersion } from '../../registry/src/index.js';
import { buildRegistry } from '../../registry/test/helpers/build-registry.js';
import { tempDir, writeConnector } from '../../registry/test/helpers/connector-tree.js';
import { renderDocs } from '../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
const title = present
  ? 'catalog in headless Chromium'
  : `catalog in headless Chromium — SKIPPED: ${CHROMIUM} is absent (apt-get install -y chromium; .ci/run installs it)`;
if (!present) console.warn(title);

let root: string;
let profile: string;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];

beforeAll(async () => {
  if (!present) return;
  root = tempDir('catalog');
  const connectors = join(root, 'connectors');
  writeConnector(connectors, {
    id: 'mailer',
    metadata: {
      name: 'Mailer',
      tags: ['email'],
      description: 'Sends email through SMTP.',
      auth: { required: true, methods: ['basic'], credentials_storage: 'secrets' },
      capabilities: {
        bidirectional: false,
        streaming: false,
        batch: true,
        real_time: false,
        webhook: false,
        polling: false,
      },
    },
  });
  writeConnector(connectors, {
    id: 'hooks',
    metadata: {
      name: 'Hooks',
      tags: ['webhook', 'http'],
      description: 'Delivers signed webhooks.',
      capabilities: {
        bidirectional: false,
        streaming: false,
        batch: false,
        real_time: true,
        webhook: true,
        polling: false,
      },
    },
  });
  writeConnector(connectors, {
    id: 'poller',
    metadata: {
      name: 'Poller',
      status: 'inactive',
      tags: ['http'],
      description: 'Polls a feed <img src=x onerror="window.pwned=1">.',
      capabilities: {
        bidirectional: false,
        streaming: false,
        batch: false,
        real_time: false,
        webhook: false,
        polling: true,
      },
    },
  });
  const out = join(root, 'registry');
  await buildRegistry({ connectorsDir: connectors, outDir: out });
  writeConnector(connectors, {
    id: 'hooks',
    version: '1.1.0',
    metadata: {
      name: 'Hooks',
      tags: ['webhook', 'http'],
      description: 'Delivers signed webhooks.',
      capabilities: {
        bidirectional: false,
        streaming: false,
        batch: false,
        real_time: true,
        webhook: true,
        polling: false,
      },
    },
  });
  await buildRegistry({ connectorsDir: connectors, outDir: out });
  await yankVersion(out, 'hooks', '1.0.0', { reason: 'bad signatures' });
  const files = await renderDocs({ connectorsDir: connectors, registry: out });
  const html = join(root, 'catalog.html');
  writeFileSync(html, files.get('catalog.html')!);

  const { chromium } = await import('playwright-core');
  profile = mkdtempSync(join(tmpdir(), 'jobforge-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
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
  await page.goto(pathToFileURL(html).href);
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (root) rmSync(root, { recursive: true, force: true });
});

const shown = () =>
  page.locator('#results button').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));

describe.skipIf(!present)(title, () => {
  it('lists every connector, loads nothing from outside the page, and shows hostile text as text', async () => {
    expect(await page.title()).toBe('JobForge connector catalog');
    expect(await page.locator('#count').textContent()).toBe('3 of 3 connector(s)');
    expect(await shown()).toEqual(['hooks', 'mailer', 'poller']);
    expect(requests.every((url) => url.startsWith('file://'))).toBe(true);
    expect(await page.locator('#results img').count()).toBe(0);
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    await expect
      .poll(() => page.locator('button[data-id="poller"]').textContent())
      .toContain('<img src=x onerror="window.pwned=1">');
  });

  it('searches by name and text, and filters by tag, capability, status and auth', async () => {
    await page.fill('#search', 'webhooks signed');
    expect(await shown()).toEqual(['hooks']);
    await page.fill('#search', 'SMTP');
    expect(await shown()).toEqual(['mailer']);
    await page.fill('#search', '');
    await page.selectOption('#tag', 'http');
    expect(await shown()).toEqual(['hooks', 'poller']);
    await page.selectOption('#capability', 'polling');
    expect(await shown()).toEqual(['poller']);
    await page.selectOption('#tag', '');
    await page.selectOption('#capability', '');
    await page.selectOption('#status', 'inactive');
    expect(await shown()).toEqual(['poller']);
    await page.selectOption('#status', '');
    await page.selectOption('#auth', 'basic');
    expect(await shown()).toEqual(['mailer']);
    expect(await page.locator('#count').textContent()).toBe('1 of 3 connector(s)');
    await page.selectOption('#auth', '');
  });

  it("shows a connector's detail with its versions, yanked ones marked", async () => {
    await page.click('button[data-id="hooks"]');
    expect(await page.locator('#detail h2').textContent()).toBe('Hooks hooks');
    const rows = await page
      .locator('#versions tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')!.textContent));
    expect(rows).toEqual(['1.1.0', '1.0.0 yanked']);
    expect(await page.locator('#versions code').first().textContent()).toMatch(/^sha256-/);
    expect(await page.locator('button[data-id="hooks"]').getAttribute('aria-pressed')).toBe('true');
    expect(page.url()).toMatch(/#hooks$/);
  });
});
