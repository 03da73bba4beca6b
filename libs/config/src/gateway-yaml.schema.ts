import { z } from 'zod';

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
 */
const targetSchema = z.union([
  z.string().min(1),
  z.object({ provider: z.string().min(1), model: z.string().min(1).optional() }).strict(),
]);

export const yamlProviderSchema = z
  .object({
    type: z.enum([
      'openai-compatible',
      'anthropic',
      'gemini',
      'copilot',
      'azure',
      'bedrock',
      'local',
    ]),
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
    options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const gatewayYamlSchema = z
  .object({
    providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), yamlProviderSchema).optional(),
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

export type GatewayYaml = z.infer<typeof gatewayYamlSchema>;
export type YamlTarget = z.infer<typeof targetSchema>;
