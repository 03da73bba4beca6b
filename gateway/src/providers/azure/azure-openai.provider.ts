import type { ProviderConfig } from '@app/config';
import { OpenAICompatibleProvider } from '../openai-compatible/openai-compatible.provider';
import {
  OpenAIHttpClient,
  upstreamBaseUrl,
  type OpenAIOperation,
} from '../openai-compatible/openai-http-client';
import { AzureDeployments } from './azure-deployments';

/** The API version used when AZURE_OPENAI_API_VERSION is not set. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/**
 * `AZURE_OPENAI_API_VERSION` values that select Azure's v1 API (`/openai/v1/...`, the deployment
 * named in the body's `model`, no dated `api-version`): `v1` (GA, no query at all) and `preview`
 * (`?api-version=preview`). Any other value is a dated version of the deployments API.
 */
const V1_API_VERSIONS = new Set(['v1', 'preview']);

/**
 * Azure OpenAI: the OpenAI wire format behind Azure's URLs, with an `api-key` header.
 * - Dated API (default): `{endpoint}/openai/deployments/{deployment}/{operation}?api-version=…`,
 *   as the `openai` SDK's AzureOpenAI client builds them.
 * - v1 API (`apiVersion: v1`): `{endpoint}/openai/v1/{operation}`, deployment in `model`.
 * Each model resolves to a deployment (see AzureDeployments); embeddings are offered only when an
 * embedding deployment is configured, since a chat deployment answers them 400
 * `OperationNotSupported`. Everything else is the OpenAI-compatible adapter.
 */
export class AzureOpenAIProvider extends OpenAICompatibleProvider {
  private readonly deployments: AzureDeployments;

  constructor(config: ProviderConfig, options: { timeoutMs: number }) {
    const deployments = new AzureDeployments(config);
    const apiVersion = String(config.options.apiVersion ?? DEFAULT_AZURE_API_VERSION);
    const basePath = new URL(upstreamBaseUrl(config)).pathname.replace(/\/+$/, '');
    const client = new OpenAIHttpClient({
      baseUrl: upstreamBaseUrl(config),
      timeoutMs: options.timeoutMs,
      headers: { ...(config.apiKey ? { 'api-key': config.apiKey } : {}), ...config.headers },
      pathFor: V1_API_VERSIONS.has(apiVersion)
        ? v1Paths(basePath, apiVersion)
        : datedPaths(basePath, apiVersion, deployments),
    });
    super(config, {
      timeoutMs: options.timeoutMs,
      client,
      embeddings: deployments.servesEmbeddings,
    });
    this.deployments = deployments;
  }

  /** Azure routes by deployment: the body's `model` names it (the v1 API reads it from there). */
  protected override upstreamModel(model: string, operation: OpenAIOperation): string {
    return this.deployments.for(model, operation);
  }
}

function v1Paths(basePath: string, apiVersion: string) {
  const query = apiVersion === 'v1' ? '' : `?api-version=${encodeURIComponent(apiVersion)}`;
  return (operation: OpenAIOperation) => `${basePath}/openai/v1/${operation}${query}`;
}

function datedPaths(basePath: string, apiVersion: string, deployments: AzureDeployments) {
  const query = `?api-version=${encodeURIComponent(apiVersion)}`;
  return (operation: OpenAIOperation, model: string | undefined) => {
    if (operation === 'models') return `${basePath}/openai/models${query}`;
    // The body's model is already the deployment (upstreamModel); the chat default otherwise.
    const deployment = encodeURIComponent(model ?? deployments.chatDefault);
    return `${basePath}/openai/deployments/${deployment}/${operation}${query}`;
  };
}

/** Kept for callers that build the provider through a function (the provider factory, tests). */
export function createAzureOpenAIProvider(
  config: ProviderConfig,
  options: { timeoutMs: number },
): AzureOpenAIProvider {
  return new AzureOpenAIProvider(config, options);
}
