import type { ServerResponse } from 'node:http';
import { FakeHttpServer, sendJson, type RecordedRequest } from './fake-http-server';
import { forwardRequest } from './fake-forwarding';
import { contentFilterResults } from './fake-openai-answer';
import { FakeOpenAIServer, type FakeOpenAIOptions } from './fake-openai-server';

export interface FakeAzureOpenAIOptions extends FakeOpenAIOptions {
  apiKey?: string;
  /** Chat deployments. Default ['gpt-4o-deployment']. */
  deployments?: string[];
  /** Embedding deployments (a chat deployment refuses embeddings). Default ['embedding-deployment']. */
  embeddingDeployments?: string[];
}

/** `content-filter`: the next chat call's prompt trips Azure's content filter (a 400). */
export type AzureFakeBehaviour = 'ok' | 'content-filter';

/** The message Azure gives when the prompt trips its content filter. */
export const AZURE_CONTENT_FILTER_MESSAGE =
  "The response was filtered due to the prompt triggering Azure OpenAI's content management " +
  'policy. Please modify your prompt and retry. To learn more about our content filtering ' +
  'policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766';

const DATED_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;
const V1_PATH = /^\/openai\/v1\/(chat\/completions|embeddings|models)$/;

/**
 * Azure OpenAI on 127.0.0.1, both APIs: the dated one,
 * `/openai/deployments/{deployment}/(chat/completions|embeddings)?api-version=…`, and v1,
 * `/openai/v1/(chat/completions|embeddings|models)` with the deployment in the body's `model`
 * (no `api-version`, or `preview`). Requires the `api-key` header. Like Azure, it annotates with
 * content-filter results (a stream opens with a choice-less `prompt_filter_results` frame), refuses
 * embeddings on a chat deployment with `OperationNotSupported`, and can trip its content filter.
 * Accepted requests are answered by a FakeOpenAIServer (its `openai` field).
 */
export class FakeAzureOpenAIServer {
  private readonly queue: AzureFakeBehaviour[] = [];

  private constructor(
    readonly http: FakeHttpServer,
    readonly openai: FakeOpenAIServer,
    private readonly apiKey: string,
    private readonly deployments: string[],
    private readonly embeddingDeployments: string[],
  ) {}

  static async start(options: FakeAzureOpenAIOptions = {}): Promise<FakeAzureOpenAIServer> {
    const openai = await FakeOpenAIServer.start({ contentFilterAnnotations: true, ...options });
    return FakeHttpServer.host((http) => {
      const fake = new FakeAzureOpenAIServer(
        http,
        openai,
        options.apiKey ?? 'azure-test-key',
        options.deployments ?? ['gpt-4o-deployment'],
        options.embeddingDeployments ?? ['embedding-deployment'],
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

  enqueue(...behaviours: AzureFakeBehaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  async stop(): Promise<void> {
    await this.http.stop();
    await this.openai.stop();
  }

  private async handle(request: RecordedRequest, response: ServerResponse): Promise<void> {
    const url = new URL(request.path, 'http://fake');
    const error = (status: number, code: string, message: string, extra: object = {}) =>
      sendJson(response, status, { error: { code, message, ...extra } });
    if (request.headers['api-key'] !== this.apiKey)
      return error(401, '401', 'Access denied due to invalid subscription key');
    const v1 = V1_PATH.exec(url.pathname);
    const dated = DATED_PATH.exec(url.pathname);
    const apiVersion = url.searchParams.get('api-version');
    if (v1 && apiVersion !== null && apiVersion !== 'preview')
      return error(400, 'BadRequest', `API version not supported: ${apiVersion}`);
    if (!v1 && !apiVersion) return error(404, '404', 'Resource not found (api-version missing)');
    if (v1?.[1] === 'models')
      return forwardRequest(request, `${this.openai.baseUrl}/models`, response);
    const operation = v1?.[1] ?? dated?.[2];
    const deployment = v1 ? (request.body as { model?: string } | undefined)?.model : dated?.[1];
    if (!operation || !deployment) return error(404, '404', 'Resource not found');
    const embeds = this.embeddingDeployments.includes(deployment);
    if (!embeds && !this.deployments.includes(deployment))
      return error(
        404,
        'DeploymentNotFound',
        'The API deployment for this resource does not exist',
      );
    if (operation === 'embeddings' && !embeds)
      return error(
        400,
        'OperationNotSupported',
        `The embeddings operation does not work with the specified model, ${deployment}. Please choose different model and try again.`,
      );
    if (operation === 'chat/completions' && embeds)
      return error(
        400,
        'OperationNotSupported',
        `The chatCompletion operation does not work with the specified model, ${deployment}. Please choose different model and try again.`,
      );
    if (operation === 'chat/completions' && this.queue.shift() === 'content-filter')
      return this.sendContentFilter(response);
    return forwardRequest(request, `${this.openai.baseUrl}/${operation}`, response);
  }

  private sendContentFilter(response: ServerResponse): void {
    const result = contentFilterResults();
    sendJson(response, 400, {
      error: {
        message: AZURE_CONTENT_FILTER_MESSAGE,
        type: null,
        param: 'prompt',
        code: 'content_filter',
        status: 400,
        innererror: {
          code: 'ResponsibleAIPolicyViolation',
          content_filter_result: { ...result, violence: { filtered: true, severity: 'high' } },
        },
      },
    });
  }
}
