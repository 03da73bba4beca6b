import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { ProviderConfig } from './app-config.types';
import { gatewayYamlSchema, type GatewayYaml } from './gateway-yaml.schema';
import type { ProviderConfigDescriptor } from './provider-descriptor';

export function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.map(String).join('.');
    return `${prefix}${name}: ${issue.message}`;
  });
}

/** Reads and validates GATEWAY_CONFIG; problems name the file and the field. */
export function readGatewayYaml(
  path: string,
  descriptors: readonly ProviderConfigDescriptor[],
  problems: string[],
): GatewayYaml {
  let raw: unknown;
  try {
    // Loaded only with GATEWAY_CONFIG set: the default boot need not evaluate the YAML parser.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose
    const { parse } = require('yaml') as typeof import('yaml');
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(`GATEWAY_CONFIG: cannot read ${path}: ${(error as Error).message}`);
    return {};
  }
  const parsed = gatewayYamlSchema(descriptors).safeParse(raw ?? {});
  if (!parsed.success) {
    problems.push(...describeIssues(parsed.error, `GATEWAY_CONFIG (${path}) `));
    return {};
  }
  return parsed.data;
}

export function providersFromYaml(
  yaml: GatewayYaml,
  descriptors: readonly ProviderConfigDescriptor[],
  env: NodeJS.ProcessEnv,
  problems: string[],
): ProviderConfig[] {
  return Object.entries(yaml.providers ?? {})
    .filter(([, entry]) => entry.enabled !== false)
    .map(([id, entry]) => {
      const descriptor = descriptors.find((candidate) => candidate.type === entry.type);
      const apiKey = entry.api_key_env ? env[entry.api_key_env] : undefined;
      if (entry.api_key_env && !apiKey) {
        problems.push(
          `${entry.api_key_env}: needed by provider '${id}' in GATEWAY_CONFIG but not set`,
        );
      }
      const defaultModel = entry.default_model ?? entry.models?.[0];
      if (!defaultModel)
        problems.push(`GATEWAY_CONFIG providers.${id}: needs default_model or models`);
      const baseUrl = entry.base_url?.replace(/\/+$/, '');
      return {
        id,
        type: entry.type,
        baseUrl: descriptor?.resolveBaseUrl ? descriptor.resolveBaseUrl(baseUrl) : baseUrl,
        apiKey,
        defaultModel: defaultModel ?? '',
        models: [...new Set([...(defaultModel ? [defaultModel] : []), ...(entry.models ?? [])])],
        embeddingModel: entry.embedding_model,
        aliases: entry.aliases ?? [],
        headers: entry.headers ?? {},
        options: entry.options ?? {},
      };
    });
}

/** A YAML provider with an env provider's id takes its place: the YAML entry is the whole definition. */
export function mergeProviders(
  fromEnv: ProviderConfig[],
  fromYaml: ProviderConfig[],
): ProviderConfig[] {
  const byId = new Map(fromEnv.map((provider) => [provider.id, provider]));
  for (const provider of fromYaml) byId.set(provider.id, { ...byId.get(provider.id), ...provider });
  return [...byId.values()];
}
