/** @jest-environment ./libs/testing/src/jest/onnx-runtime-environment.ts */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestModels, FakeOpenAIServer } from '@app/testing';
import { ADMIN_KEY, call, chat, chatBody, createTenant } from './support/controls-helpers';
import { startGateway, type RunningGateway } from './support/gateway-harness';

// Issue #11, defects 2 and 3: tenants must not reach each other's RAG collections, and a
// tenant's model allow-list must hold for every target the router actually calls.

const DOCUMENT = 'Expense reports are filed every month through the finance portal.';

describe('tenant isolation: RAG collections belong to their tenant', () => {
  let gateway: RunningGateway;
  let cloud: FakeOpenAIServer;
  let dataDir: string;

  beforeAll(async () => {
    const models = ensureTestModels();
    dataDir = mkdtempSync(join(tmpdir(), 'rag-isolation-'));
    cloud = await FakeOpenAIServer.start({ reply: 'From the sources [1].' });
    gateway = await startGateway({
      ADMIN_API_KEY: ADMIN_KEY,
      OPENAI_BASE_URL: cloud.baseUrl,
      OPENAI_API_KEY: 'sk-test',
      WORKER_EMBEDDING_BACKEND: 'transformers',
      WORKER_MODELS_DIR: models.embeddingModelsDir,
      WORKER_EMBEDDING_MODEL: models.embeddingModelId,
      WORKER_DATA_DIR: dataDir,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await cloud?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const rag = (key: string, method: string, path: string, body?: unknown) =>
    call(gateway, method, `/v1/rag/${path}`, { key, body });

  it('keeps search, stats and deletes inside the caller tenant; the admin sees stored names', async () => {
    const alice = await createTenant(gateway, { name: 'alice' });
    const bob = await createTenant(gateway, { name: 'bob' });
    const indexed = await rag(alice.key, 'POST', 'index', {
      collection: 'docs',
      documents: [{ id: 'expenses', content: DOCUMENT }],
    });
    expect(indexed.status).toBe(200);
    expect(indexed.json.collection).toBe('docs');

    // Alice finds her document under the name she chose.
    const found = await rag(alice.key, 'POST', 'search', { collection: 'docs', query: DOCUMENT });
    expect(found.status).toBe(200);
    expect(found.json.collection).toBe('docs');
    expect((found.json.results as unknown as { document_id: string }[])[0].document_id).toBe(
      'expenses',
    );

    // Bob cannot search, list or delete it, by its name or by its stored name.
    for (const collection of ['docs', `${alice.id}.docs`]) {
      const searched = await rag(bob.key, 'POST', 'search', { collection, query: DOCUMENT });
      expect(searched.status).toBe(404);
      expect(searched.json.error.code).toBe('collection_not_found');
    }
    const bobStats = await rag(bob.key, 'GET', 'stats');
    expect(bobStats.status).toBe(200);
    expect(bobStats.json.collections).toEqual([]);
    expect((await rag(bob.key, 'DELETE', 'documents/expenses?collection=docs')).status).toBe(404);
    expect((await rag(bob.key, 'DELETE', 'collections/docs')).status).toBe(404);
    expect((await rag(bob.key, 'DELETE', `collections/${alice.id}.docs`)).status).toBe(404);

    // Bob's own "docs" is a different collection.
    await rag(bob.key, 'POST', 'index', {
      collection: 'docs',
      documents: [{ id: 'holidays', content: 'Holidays are requested two weeks ahead.' }],
    });
    const bobFound = await rag(bob.key, 'POST', 'search', { collection: 'docs', query: DOCUMENT });
    expect(
      (bobFound.json.results as unknown as { document_id: string }[]).map((hit) => hit.document_id),
    ).toEqual(['holidays']);

    // A RAG query retrieves from the caller's collection only.
    const answered = await rag(alice.key, 'POST', 'query', { collection: 'docs', query: DOCUMENT });
    expect(answered.status).toBe(200);
    expect(
      (answered.json.sources as unknown as { document_id: string }[]).map((s) => s.document_id),
    ).toEqual(['expenses']);

    const aliceStats = await rag(alice.key, 'GET', 'stats');
    expect(
      (aliceStats.json.collections as unknown as { name: string }[]).map((each) => each.name),
    ).toEqual(['docs']);

    // The admin addresses any tenant's collection by its stored name.
    const adminStats = await rag(ADMIN_KEY, 'GET', 'stats');
    expect(
      (adminStats.json.collections as unknown as { name: string }[])
        .map((each) => each.name)
        .sort(),
    ).toEqual([`${alice.id}.docs`, `${bob.id}.docs`].sort());
    const adminSearch = await rag(ADMIN_KEY, 'POST', 'search', {
      collection: `${alice.id}.docs`,
      query: DOCUMENT,
    });
    expect(adminSearch.status).toBe(200);

    // Alice deletes her own collection; Bob's survives.
    expect((await rag(alice.key, 'DELETE', 'collections/docs')).status).toBe(200);
    expect((await rag(bob.key, 'GET', 'stats')).json.collections).toHaveLength(1);
  });

  it('checks a RAG query without a model against the allow-list (it asks for the default route)', async () => {
    // The default route here is openai/gpt-4o-mini, which this key may not use.
    const tenant = await createTenant(gateway, { name: 'narrow', allowed_models: ['gpt-4o'] });
    await rag(tenant.key, 'POST', 'index', { documents: [{ id: 'a', content: DOCUMENT }] });
    const before = cloud.chatRequests.length;
    const refused = await rag(tenant.key, 'POST', 'query', { query: DOCUMENT });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('model_not_allowed');
    expect(cloud.chatRequests.length).toBe(before);
    const wider = await createTenant(gateway, { name: 'wide', allowed_models: ['gpt-4o-mini'] });
    await rag(wider.key, 'POST', 'index', { documents: [{ id: 'a', content: DOCUMENT }] });
    expect((await rag(wider.key, 'POST', 'query', { query: DOCUMENT })).status).toBe(200);
  });

  it('rejects a collection name longer than 64 characters from a tenant with a 400 naming it', async () => {
    const tenant = await createTenant(gateway, { name: 'long-names' });
    const refused = await rag(tenant.key, 'POST', 'search', {
      collection: 'a'.repeat(65),
      query: 'x',
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.param).toBe('collection');
  });
});

describe('tenant isolation: allow-lists hold for every target called', () => {
  let primary: FakeOpenAIServer;
  let secondary: FakeOpenAIServer;
  let gateway: RunningGateway;

  beforeAll(async () => {
    primary = await FakeOpenAIServer.start();
    secondary = await FakeOpenAIServer.start({ models: ['llama3.2'] });
    gateway = await startGateway({
      ADMIN_API_KEY: ADMIN_KEY,
      OPENAI_BASE_URL: primary.baseUrl,
      OPENAI_API_KEY: 'sk-test',
      CLOUD_MODEL: 'gpt-4o-mini',
      OLLAMA_BASE_URL: secondary.baseUrl,
      LOCAL_MODEL: 'llama3.2',
      MAX_RETRIES: '0',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await primary?.stop();
    await secondary?.stop();
  });

  it('refuses a provider pin that would serve another model, before any upstream call', async () => {
    const tenant = await createTenant(gateway, { allowed_models: ['gpt-4o-mini'] });
    const before = secondary.chatRequests.length;
    const pinned = await chat(gateway, tenant.key, chatBody('hi', { provider: 'ollama' }));
    expect(pinned.status).toBe(403);
    expect(pinned.json.error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    expect(secondary.chatRequests.length).toBe(before);
    expect((await chat(gateway, tenant.key, chatBody('hi'))).status).toBe(200);
  });

  it('never fails over to a model outside the list', async () => {
    const tenant = await createTenant(gateway, { allowed_models: ['gpt-4o-mini'] });
    const before = secondary.chatRequests.length;
    primary.enqueue('error-500');
    const failed = await chat(gateway, tenant.key, chatBody('hi'));
    expect(failed.status).toBe(502);
    expect(secondary.chatRequests.length).toBe(before);

    // The same outage with the fallback's model allowed: the fallback answers.
    const wider = await createTenant(gateway, { allowed_models: ['gpt-4o-mini', 'llama3.2'] });
    primary.enqueue('error-500');
    const served = await chat(gateway, wider.key, chatBody('hi'));
    expect(served.status).toBe(200);
    expect(served.headers.get('x-gateway-provider')).toBe('ollama');
  });

  it('grants a route alias with all its targets', async () => {
    const aliasOnly = await createTenant(gateway, { allowed_models: ['default'] });
    const served = await chat(gateway, aliasOnly.key, chatBody('hi', { model: 'default' }));
    expect(served.status).toBe(200);
    expect((await chat(gateway, aliasOnly.key, chatBody('hi'))).status).toBe(403);
  });
});
