import type { ServerResponse } from 'node:http';
import { FakeHttpServer, sendJson, type RecordedRequest } from './fake-http-server';
import { forwardRequest } from './fake-forwarding';
import { FakeOpenAIServer, type FakeOpenAIOptions } from './fake-openai-server';

export interface FakeOllamaOptions extends FakeOpenAIOptions {
  /**
   * false: `GET /v1/models` answers 404, as an Ollama older than its OpenAI model list (or a
   * proxy that forwards only `/api`) does; the model list is then only `GET /api/tags`.
   * Default true.
   */
  openAIModelList?: boolean;
}

/**
 * An Ollama server on 127.0.0.1: its OpenAI-compatible API under `/v1` (answered by a
 * FakeOpenAIServer, its `openai` field) and its own model list `GET /api/tags`, in Ollama's shape
 * (`{"models": [{"name", "model", "modified_at", "size", "digest", "details"}]}`). `models` are
 * what it has pulled.
 */
export class FakeOllamaServer {
  private constructor(
    readonly http: FakeHttpServer,
    readonly openai: FakeOpenAIServer,
    private readonly openAIModelList: boolean,
  ) {}

  static async start(options: FakeOllamaOptions = {}): Promise<FakeOllamaServer> {
    const { openAIModelList = true, ...openAIOptions } = options;
    const openai = await FakeOpenAIServer.start({ models: ['llama3:8b'], ...openAIOptions });
    return FakeHttpServer.host((http) => {
      const fake = new FakeOllamaServer(http, openai, openAIModelList);
      return { fake, handle: (request, response) => fake.handle(request, response) };
    });
  }

  /** What OLLAMA_BASE_URL is set to (the gateway adds `/v1`). */
  get baseUrl(): string {
    return this.http.origin;
  }

  /** The models Ollama has pulled (what both model lists answer); tests may change them. */
  get models(): string[] {
    return this.openai.options.models;
  }

  set models(models: string[]) {
    this.openai.options.models = models;
  }

  get modelListRequests(): RecordedRequest[] {
    return this.http.requests.filter((request) => /\/(api\/tags|v1\/models)$/.test(request.path));
  }

  async stop(): Promise<void> {
    await this.http.stop();
    await this.openai.stop();
  }

  private async handle(request: RecordedRequest, response: ServerResponse): Promise<void> {
    const path = request.path.split('?')[0];
    if (request.method === 'GET' && path === '/api/tags') {
      return sendJson(response, 200, {
        models: this.models.map((name) => ({
          name,
          model: name,
          modified_at: '2026-01-01T00:00:00Z',
          size: 4_661_224_676,
          digest: 'sha256:fake',
          details: { format: 'gguf', family: 'llama', parameter_size: '8.0B' },
        })),
      });
    }
    if (!this.openAIModelList && path === '/v1/models')
      return void response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('404 page not found');
    await forwardRequest(request, `${this.openai.http.origin}${request.path}`, response);
  }
}
