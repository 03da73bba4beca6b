import { z } from 'zod';
import type { ModelPrice, ProviderSettings } from './app-config.types';
import type { ProviderConfigDescriptor } from './provider-descriptor';

/**
 * The optional YAML file named by GATEWAY_CONFIG: extra providers, routes and prices.
 * Secrets are referenced by environment variable name (`api_key_env`), never written inline.
 *
 * ```yaml
 * providers:
 *   together:
 *     type: openai-compatible
 *     base_url: https://api.together.xyz/v1
 *     api_key_env: TOGETHER_API_KEY
 *     default_model: meta-llama/Llama-3.3-70B-Instruct-Turbo
 * routes:
 *   smart: [openai/gpt-4o, anthropic/claude-sonnet-4-5, local]
 * default_route: [openai, together, local]
 * prices:
 *   gpt-4o: { input: 2.5, output: 10 }
 * ```
 *
 * A provider's `type` is one of the descriptors' types and its `options` are validated by that
 * descriptor's settings schema, so the schema is built from the list the gateway passes in.
 */
const targetSchema = z.union([
  z.string().min(1),
  z.object({ provider: z.string().min(1), model: z.string().min(1).optional() }).strict(),
]);

/** The fields every provider entry has, whatever its type. */
const commonProviderFields = {
  base_url: z.string().url().optional(),
  api_key_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  default_model: z.string().min(1).optional(),
  models: z.array(z.string().min(1)).optional(),
  embedding_model: z.string().min(1).optional(),
  aliases: z.array(z.string().min(1)).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  enabled: z.boolean().optional(),
};

export type YamlProvider = z.output<z.ZodObject<typeof commonProviderFields>> & {
  type: string;
  options?: ProviderSettings;
};
export type YamlTarget = z.infer<typeof targetSchema>;

export interface GatewayYaml {
  providers?: Record<string, YamlProvider>;
  routes?: Record<string, YamlTarget[]>;
  default_route?: string[];
  prices?: Record<string, ModelPrice>;
}

function providerEntrySchema(descriptors: readonly ProviderConfigDescriptor[]) {
  const types = descriptors.map((descriptor) => descriptor.type);
  const entries = descriptors.map((descriptor) =>
    z
      .object({
        type: z.literal(descriptor.type),
        ...commonProviderFields,
        options: descriptor.settings.optional(),
      })
      .strict(),
  );
  const [first, ...rest] = entries;
  if (!first) return z.never({ error: 'no provider type is available in this process' });
  return z.discriminatedUnion('type', [first, ...rest], {
    error: (issue) =>
      issue.code === 'invalid_union' ? `must be one of: ${types.join(', ')}` : undefined,
  });
}

/** The YAML schema for the given provider descriptors (their types, their `options`). */
export function gatewayYamlSchema(
  descriptors: readonly ProviderConfigDescriptor[],
): z.ZodType<GatewayYaml> {
  return z
    .object({
      providers: z
        .record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), providerEntrySchema(descriptors))
        .optional(),
      routes: z.record(z.string().min(1), z.array(targetSchema).min(1)).optional(),
      default_route: z.array(z.string().min(1)).optional(),
      prices: z
        .record(
          z.string(),
          z.object({ input: z.number().min(0), output: z.number().min(0) }).strict(),
        )
        .optional(),
    })
    .strict();
}
