/** @jest-environment ./libs/testing/src/jest/onnx-runtime-environment.ts */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import OpenAI from 'openai';
import pino from 'pino';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { loadGatewayConfig } from '../../src/gateway-config';
import { ensureTestModels, FakeOpenAIServer } from '@app/testing';
import { createGatewayApp } from '../../src/bootstrap';
import { launchChromium, UI_TEST_OUTPUT } from './console-browser';

// The console driven through real Chromium against the real gateway (embedded mode, in-process
// RAG on the tiny ONNX embedder) and a fake OpenAI upstream. The admin key is unique per run so
// "it never appears in a URL, storage or a log line" is a meaningful search.

const ADMIN_KEY = `console-admin-${randomBytes(12).toString('hex')}`;
const REPLY = 'Streaming answers arrive piece by piece from the fake upstream';
const EXPENSES = 'Expense reports are filed every month through the finance portal.';
const HOLIDAYS = 'Holidays are requested two weeks in advance from the team lead.';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Waits until the locator's text is exactly `text` (Jest has no Playwright matchers). */
async function hasText(locator: Locator, text: string, timeout = 10_000): Promise<void> {
  await locator
    .filter({ hasText: new RegExp(`^\\s*${escape(text)}\\s*$`) })
    .first()
    .waitFor({ timeout });
}

/** Waits until the locator's text contains `text`. */
async function containsText(locator: Locator, text: string, timeout = 10_000): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout });
}

describe('admin console in Chromium', () => {
  let upstream: FakeOpenAIServer;
  let app: NestFastifyApplication;
  let baseUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;
  const logLines: string[] = [];
  const requestedUrls: string[] = [];
  const consoleErrors: string[] = [];
  let tenantId = '';

  const sdk = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  const shot = (name: string) =>
    page.screenshot({ path: join(UI_TEST_OUTPUT, `${name}.png`), fullPage: true });
  const openPage = async (label: string) => {
    await page.getByRole('navigation').getByRole('link', { name: label }).click();
    await page.getByRole('heading', { level: 1, name: label }).waitFor();
  };
  const consoleFetchStatus = (path: string) =>
    page.evaluate(
      async (url) =>
        (await fetch(url, { headers: { 'x-gateway-console': '1' }, credentials: 'same-origin' }))
          .status,
      path,
    );

  beforeAll(async () => {
    const models = ensureTestModels();
    dataDir = mkdtempSync(join(tmpdir(), 'console-e2e-'));
    upstream = await FakeOpenAIServer.start({ reply: REPLY, chunks: 5, chunkDelayMs: 150 });
    const config = loadGatewayConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      ADMIN_API_KEY: ADMIN_KEY,
      OPENAI_BASE_URL: upstream.baseUrl,
      OPENAI_API_KEY: 'sk-upstream',
      MAX_RETRIES: '0',
      FAILURE_THRESHOLD: '2',
      RECOVERY_TIMEOUT: '600',
      CACHE_ENABLED: 'false',
      WORKER_EMBEDDING_BACKEND: 'transformers',
      WORKER_MODELS_DIR: models.embeddingModelsDir,
      WORKER_EMBEDDING_MODEL: models.embeddingModelId,
      WORKER_DATA_DIR: dataDir,
    });
    const logger = pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) });
    app = await createGatewayApp(config, logger);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    browser = await launchChromium();
    context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1360, height: 900 },
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    page = await context.newPage();
    page.on('request', (request) => requestedUrls.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await upstream?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses the admin API without a session, then signs in with the admin key', async () => {
    await page.goto(`${baseUrl}/ui/`);
    await page.getByRole('heading', { name: 'AI Gateway console' }).waitFor();
    expect(await consoleFetchStatus('/admin/tenants')).toBe(401);
    expect(await consoleFetchStatus('/admin/providers')).toBe(401);
    await shot('sign-in');

    await page.getByLabel('Admin API key').fill('not-the-admin-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await hasText(page.getByRole('alert'), 'Invalid admin API key');

    await page.getByLabel('Admin API key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Providers' }).waitFor();
    expect(await consoleFetchStatus('/admin/tenants')).toBe(200);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({
      name: 'gw_console_session',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
    });
    expect(await page.evaluate<string>('document.cookie')).toBe('');
  });

  it('shows a circuit opening while the upstream fails, and closing after reset', async () => {
    const circuit = page.getByTestId('circuit-openai');
    await hasText(circuit, 'closed');
    upstream.behaviour = 'error-500';
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(
        sdk(ADMIN_KEY).chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Hi' }],
        }),
      ).rejects.toMatchObject({ status: 502 });
    }
    await hasText(circuit, 'open', 15_000);
    const row = page.locator('tr[data-provider="openai"]');
    await containsText(row, '100.0 %');
    await containsText(row, 'HTTP 500');
    await shot('providers-circuit-open');

    upstream.behaviour = 'ok';
    await page.getByRole('button', { name: 'Reset the circuit of openai' }).click();
    await hasText(circuit, 'closed', 15_000);
    const answer = await sdk(ADMIN_KEY).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi again' }],
    });
    expect(answer.choices[0].message.content).toBe(REPLY);
    await shot('providers');
  });

  it('creates a tenant, shows its key once with a copy button, revokes a key, edits limits', async () => {
    await openPage('Tenants and keys');
    await page.getByRole('button', { name: 'New tenant' }).click();
    const form = page.getByRole('form', { name: 'Create tenant' });
    await form.getByLabel('Name').fill('acme-ui');
    await form.getByLabel('Requests per minute').fill('100');
    await form.getByLabel('Allowed models').fill('gpt-4o-mini, default');
    await form.getByRole('button', { name: 'Create tenant' }).click();

    const issued = page.getByRole('region', { name: 'New API key' });
    await issued.waitFor();
    const key = await issued.getByLabel('API key').inputValue();
    expect(key).toMatch(/^gw-sk-/);
    await issued.getByRole('button', { name: 'Copy' }).click();
    await containsText(issued, 'Copied.');
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(key);
    await shot('tenants-key-issued');
    await issued.getByRole('button', { name: 'Done' }).click();
    await issued.waitFor({ state: 'detached' });

    const tenant = page.locator('article[data-tenant="acme-ui"]');
    tenantId = (await tenant.locator('code').first().innerText()).trim();
    expect(tenantId).toMatch(/^ten_/);

    // The key works from a real client, and its tenant's allow-list applies.
    const answer = await sdk(key).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hello as acme' }],
    });
    expect(answer.choices[0].message.content).toBe(REPLY);
    await expect(
      sdk(key).chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 403 });

    await tenant.getByRole('button', { name: 'Issue key' }).click();
    const second = await issued.getByLabel('API key').inputValue();
    await issued.getByRole('button', { name: 'Done' }).click();
    await tenant.getByRole('button', { name: `Revoke ${second.slice(0, 10)}…` }).click();
    await containsText(tenant.getByRole('table'), 'revoked');
    await expect(
      sdk(second).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 401 });

    await tenant.getByRole('button', { name: 'Edit limits' }).click();
    const edit = tenant.getByRole('form', { name: 'Save changes' });
    await edit.getByLabel('Budget (USD)').fill('5');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await containsText(tenant, '$5.00 monthly');
    await shot('tenants');
  });

  it('shows the tenant’s usage and cost, charts it and exports CSV', async () => {
    await openPage('Usage and cost');
    const row = page.locator(`tr[data-tenant="${tenantId}"]`);
    await row.waitFor();
    await containsText(row, 'acme-ui');
    await containsText(row, 'gpt-4o-mini');
    await hasText(row.locator('td').nth(3), '1');
    await page.locator('canvas').waitFor();
    expect(await page.locator('canvas').count()).toBe(1);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const path = join(UI_TEST_OUTPUT, 'usage.csv');
    await download.saveAs(path);
    const lines = readFileSync(path, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe(
      'date,tenant_id,tenant_name,model,requests,prompt_tokens,completion_tokens,total_tokens,cost_usd',
    );
    const tenantLine = lines.find((line) => line.includes(tenantId))!;
    expect(tenantLine.split(',').slice(1, 5)).toEqual([tenantId, 'acme-ui', 'gpt-4o-mini', '1']);
    await shot('usage');
  });

  it('streams a chat answer in the playground and shows who answered', async () => {
    await openPage('Playground');
    await page.getByLabel('Model or route').fill('gpt-4o-mini');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.getByLabel('Answer', { exact: true });
    // Part of the answer on screen before the rest: the page renders chunks as they arrive.
    await page.waitForFunction(
      (full: string) => {
        // Runs in the page (typed loosely: the test project has no DOM types).
        const page = globalThis as unknown as {
          document: { querySelector(selector: string): { textContent: string | null } | null };
        };
        const text = page.document.querySelector('pre.answer')?.textContent ?? '';
        return text.length > 1 && text !== full && full.startsWith(text);
      },
      REPLY,
      { polling: 20 },
    );
    await hasText(answer, REPLY);
    await hasText(page.locator('[data-header="x-gateway-provider"]'), 'openai');
    await hasText(page.locator('[data-header="x-gateway-attempts"]'), '1');
    await hasText(page.locator('[data-header="x-gateway-model"]'), 'gpt-4o-mini');
    expect(await page.locator('[data-header="x-request-id"]').innerText()).not.toBe('—');
    await shot('playground');
  });

  it('indexes pasted documents and searches them with scores and sources', async () => {
    await openPage('RAG');
    await page.getByText('No collection yet').waitFor();
    const index = page.getByRole('form', { name: 'Index a document' });
    await index.getByLabel('Collection').fill('handbook');
    for (const [id, text] of [
      ['expenses', EXPENSES],
      ['holidays', HOLIDAYS],
    ]) {
      await index.getByLabel('Document id').fill(id);
      await index.getByLabel('Text').fill(text);
      await index.getByLabel('Metadata').fill(`{"topic": "${id}"}`);
      await index.getByRole('button', { name: 'Index' }).click();
      // The first document loads the embedding model.
      await shot('rag-indexing');
      await containsText(
        page.getByRole('status').filter({ hasText: 'Indexed' }),
        `${id} (1 chunks)`,
        30_000,
      );
    }
    const collection = page.locator('tr[data-collection="handbook"]');
    await hasText(collection.locator('td').nth(1), '2');

    const search = page.getByRole('form', { name: 'Search a collection' });
    await search.getByLabel('Query').fill(EXPENSES);
    await search.getByRole('button', { name: 'Search' }).click();
    const hits = page.getByRole('list', { name: 'Search results' }).locator('li');
    await hits.nth(1).waitFor();
    expect(await hits.count()).toBe(2);
    expect(await hits.first().getAttribute('data-chunk')).toBe('expenses#0');
    const score = Number(await hits.first().locator('.score').getAttribute('data-score'));
    expect(score).toBeCloseTo(1, 3);
    await containsText(hits.first(), 'source expenses');
    await containsText(hits.first(), '"topic":"expenses"');
    await shot('rag');
  });

  it('shows the routes and the API reference', async () => {
    await openPage('Routes');
    await hasText(page.getByRole('list', { name: 'Default chain' }), 'openai');
    await containsText(page.getByRole('table', { name: 'Aliases' }), 'default');
    await shot('routes');

    await page.goto(`${baseUrl}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(30);
    await containsText(page.locator('.info .title'), 'AI Gateway');
    await shot('docs');
  });

  it('never puts the admin key in a URL, browser storage or a log line; signing out ends the session', async () => {
    await page.goto(`${baseUrl}/ui/providers`);
    await page.getByRole('heading', { level: 1, name: 'Providers' }).waitFor();
    const storage = await page.evaluate<string>(
      'JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })',
    );
    expect(storage).not.toContain(ADMIN_KEY);
    expect(storage).toBe('{"local":{},"session":{},"cookie":""}');
    expect(requestedUrls.length).toBeGreaterThan(20);
    expect(requestedUrls.filter((url) => url.includes(ADMIN_KEY))).toEqual([]);
    const cookies = await context.cookies();
    expect(cookies.map((cookie) => cookie.value).join(' ')).not.toContain(ADMIN_KEY);

    // The logs are there (a request line per client call, audit lines for admin actions), and
    // none of them holds the key.
    expect(logLines.some((line) => line.includes('"path":"/v1/chat/completions"'))).toBe(true);
    expect(logLines.some((line) => line.includes('"audit":true'))).toBe(true);
    expect(logLines.filter((line) => line.includes(ADMIN_KEY))).toEqual([]);

    expect(consoleErrors.filter((text) => /Content Security Policy|Refused to/.test(text))).toEqual(
      [],
    );

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'AI Gateway console' }).waitFor();
    expect(await consoleFetchStatus('/admin/tenants')).toBe(401);
    await page.goto(`${baseUrl}/ui/tenants`);
    await page.getByLabel('Admin API key').waitFor();
  });
});
