import type { ProviderConfig } from '@app/config';
import type { OpenAIOperation } from '../openai-compatible/openai-http-client';

/**
 * Which Azure deployment serves a model. Azure routes by deployment name, not model name, and a
 * chat deployment cannot embed. From the provider's `options`:
 * - `deployments` — per-model deployments in gateway.yaml, `"gpt-4o=prod-4o, gpt-4o-mini=mini"`
 *   (a string, as provider options are scalars), checked first;
 * - `embeddingDeployment` — where every other embeddings call goes
 *   (AZURE_OPENAI_EMBEDDING_DEPLOYMENT);
 * - `deployment` — where every other chat call goes (AZURE_OPENAI_DEPLOYMENT), as the `openai`
 *   SDK's AzureOpenAI client sends every call to its configured deployment.
 * With neither, the model name is the deployment name (`azure/my-deployment`).
 */
export class AzureDeployments {
  readonly chatDefault: string;
  private readonly chatDeployment: string | undefined;
  private readonly embeddingDeployment: string | undefined;
  private readonly byModel: ReadonlyMap<string, string>;

  constructor(private readonly config: ProviderConfig) {
    this.chatDeployment = optionalString(config.options.deployment);
    this.chatDefault = this.chatDeployment ?? config.defaultModel;
    this.embeddingDeployment = optionalString(config.options.embeddingDeployment);
    this.byModel = parseDeployments(config.options.deployments, config.id);
  }

  /** True when some deployment can embed: an embedding deployment or embedding model is set. */
  get servesEmbeddings(): boolean {
    return this.embeddingDeployment !== undefined || this.config.embeddingModel !== undefined;
  }

  for(model: string, operation: OpenAIOperation): string {
    const configured = operation === 'embeddings' ? this.embeddingDeployment : this.chatDeployment;
    return this.byModel.get(model) ?? configured ?? model;
  }
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** `"model=deployment, model2=deployment2"` → map; a malformed entry fails the boot, naming it. */
export function parseDeployments(value: unknown, provider: string): Map<string, string> {
  const map = new Map<string, string>();
  const text = optionalString(value);
  if (!text) return map;
  for (const entry of text.split(',')) {
    const [model, deployment, extra] = entry.split('=').map((part) => part.trim());
    if (!model || !deployment || extra !== undefined) {
      throw new Error(
        `Provider '${provider}': options.deployments entry '${entry.trim()}' is not model=deployment`,
      );
    }
    map.set(model, deployment);
  }
  return map;
}
