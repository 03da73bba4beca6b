import { anthropicDescriptor } from './anthropic/anthropic.descriptor';
import { azureOpenAIDescriptor } from './azure/azure-openai.descriptor';
import { bedrockDescriptor } from './bedrock/bedrock.descriptor';
import { copilotDescriptor } from './copilot/copilot.descriptor';
import { geminiDescriptor } from './gemini/gemini.descriptor';
import { localDescriptor } from './local/local.descriptor';
import { ollamaDescriptor } from './ollama/ollama.descriptor';
import { openAICompatibleDescriptor } from './openai-compatible/openai-compatible.descriptor';
import type { ProviderDescriptor } from './provider-descriptor';

/**
 * Every provider this gateway can configure and build, one line each (see provider-descriptor.ts).
 * The order is the env-only default chain within each tier (copilot → cloud → local).
 */
export const PROVIDER_DESCRIPTORS: readonly ProviderDescriptor[] = [
  copilotDescriptor,
  openAICompatibleDescriptor,
  azureOpenAIDescriptor,
  geminiDescriptor,
  anthropicDescriptor,
  bedrockDescriptor,
  ollamaDescriptor,
  localDescriptor,
];

const byType = new Map(PROVIDER_DESCRIPTORS.map((descriptor) => [descriptor.type, descriptor]));

/** The descriptor of a configured provider (config types were validated against this list). */
export function descriptorOf(config: { id: string; type: string }): ProviderDescriptor {
  const descriptor = byType.get(config.type);
  if (!descriptor) {
    throw new Error(
      `Provider '${config.id}': type '${config.type}' is not supported by this build`,
    );
  }
  return descriptor;
}

/** The model-id families a provider type declares (none for a type this build does not list). */
export function modelFamiliesOf(type: string): readonly string[] {
  return byType.get(type)?.modelFamilies ?? [];
}
