import { z } from 'zod';
import type { ProviderConfig } from './app-config.types';
import { coreEnvShape, type CoreEnv } from './env.schema';
import type { EnvVariables, ProviderConfigDescriptor, ProviderEnv } from './provider-descriptor';

/**
 * The one environment schema: the core variables and every descriptor's own. A variable declared
 * twice is a programming error (two parsers, two defaults), so it throws at once. Typed as the
 * core: each descriptor's `fromEnv` reads its own variables with its own types.
 */
export function providerEnvSchema(
  descriptors: readonly ProviderConfigDescriptor[],
): z.ZodType<CoreEnv> {
  const shape: Record<string, EnvVariables[string]> = {};
  for (const descriptor of descriptors) {
    for (const [name, parser] of Object.entries(descriptor.env)) {
      if (name in shape || name in coreEnvShape) {
        throw new Error(`env variable ${name} of provider '${descriptor.type}' is declared twice`);
      }
      shape[name] = parser;
    }
  }
  // The shape holds the whole core shape, so the output has every core field.
  return z.object({ ...coreEnvShape, ...shape }) as unknown as z.ZodType<CoreEnv>;
}

/**
 * Providers that environment variables alone configure, in descriptor order; a provider is there
 * only when its credentials (or base URL, for keyless servers) are set. Problems are collected,
 * not thrown.
 */
export function providersFromEnv(
  env: CoreEnv,
  descriptors: readonly ProviderConfigDescriptor[],
  problems: string[],
): ProviderConfig[] {
  const providers: ProviderConfig[] = [];
  for (const descriptor of descriptors) {
    // `env` was parsed by providerEnvSchema(descriptors), so it holds this descriptor's variables.
    const found = descriptor.fromEnv(env as ProviderEnv<EnvVariables>, problems);
    if (!found) continue;
    providers.push({
      id: descriptor.id,
      type: descriptor.type,
      aliases: [...descriptor.aliases],
      headers: {},
      ...found,
      models: found.models ?? [found.defaultModel],
    });
  }
  return providers;
}
