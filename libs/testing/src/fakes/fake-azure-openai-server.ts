import type { ServerResponse } from 'node:http';
import { FakeHttpServer, sendJson, type RecordedRequest } from './fake-http-server';
import { forwardRequest } from './fake-forwarding';
import { FakeOpenAIServer, type FakeOpenAIOptions } from './fake-openai-server';

export interface FakeAzureOpenAIOptions extends FakeOpenAIOptions {
  apiKey?: string;
  deployments?: string[];
}

/**
 * Azure OpenAI on 127.0.0.1: `/openai/deployments/{deployment}/(chat/completions|embeddings)`
 * with a required `api-version` query and `api-key` header; accepted requests are answered by a
 * FakeOpenAIServer (its `openai` field, whose behaviours tests switch).
 */
export class FakeAzureOpenAIServer {
  private constructor(
    readonly http: FakeHttpServer,
    readonly openai: FakeOpenAIServer,
    private readonly apiKey: string,
    private readonly deployments: string[],
  ) {}

  static async start(options: FakeAzureOpenAIOptions = {}): Promise<FakeAzureOpenAIServer> {
    const openai = await FakeOpenAIServer.start(options);
    return FakeHttpServer.host((http) => {
      const fake = new FakeAzureOpenAIServer(
        http,
        openai,
        options.apiKey ?? 'azure-test-key',
        options.deployments ?? ['gpt-4o-deployment'],
      );
      return { fake, handle: (request, response) => fake.handle(request, response) };
    });
  }

  /** The Azure endpoint (`AZURE_OPENAI_ENDPOINT`). */
  get endpoint(): string {
    return this.http.origin;
  }

  get chatRequests(): RecordedRequest[] {
    return this.http.requests.filter((request) => request.path.includes('/chat/completions'));
  }

  async stop(): Promise<void> {
    await this.http.stop();
    await this.openai.stop();
  }

  private async handle(request: RecordedRequest, response: ServerResponse): Promise<void> {
    const url = new URL(request.path, 'http://fake');
    const match = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(
      url.pathname,
    );
    const error = (status: number, code: string, message: string) =>
      sendJson(response, status, { error: { code, message } });
    if (request.headers['api-key'] !== this.apiKey)
      return error(401, '401', 'Access denied due to invalid subscription key');
    if (!url.searchParams.get('api-version'))
      return error(404, '404', 'Resource not found (api-version missing)');
    if (!match || !this.deployments.includes(match[1]))
      return error(
        404,
        'DeploymentNotFound',
        'The API deployment for this resource does not exist',
      );
    return forwardRequest(request, `${this.openai.baseUrl}/${match[2]}`, response);
  }
}
