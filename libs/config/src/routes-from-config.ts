import type { ProviderConfig, RouteConfig, RouteTarget } from './app-config.types';
import type { CoreEnv } from './env.schema';
import type { GatewayYaml, YamlTarget } from './gateway-yaml.schema';
import { PROVIDER_TIERS, type ProviderConfigDescriptor } from './provider-descriptor';

function resolveProviderId(name: string, providers: ProviderConfig[]): string | undefined {
  return providers.find((provider) => provider.id === name || provider.aliases.includes(name))?.id;
}

/**
 * The default chain when neither PROVIDER_ORDER nor `default_route` gives one: copilot tier, then
 * cloud, then local (the seeds' "cloud first, local last"); within a tier the env-configured
 * providers in descriptor order, then YAML-only ones in file order.
 */
function tieredOrder(
  providers: ProviderConfig[],
  descriptors: readonly ProviderConfigDescriptor[],
): string[] {
  const envIds = descriptors.map((descriptor) => descriptor.id);
  const tierRank = (provider: ProviderConfig): number => {
    const tier = descriptors.find((descriptor) => descriptor.type === provider.type)?.tier;
    return PROVIDER_TIERS.indexOf(tier ?? 'cloud');
  };
  // Env-configured ids sort by their descriptor's position; YAML-only ones after, in file order.
  const position = (provider: ProviderConfig, index: number): number => {
    const envPosition = envIds.indexOf(provider.id);
    return envPosition === -1 ? envIds.length + index : envPosition;
  };
  return providers
    .map((provider, index) => ({
      id: provider.id,
      tier: tierRank(provider),
      position: position(provider, index),
    }))
    .sort((a, b) => a.tier - b.tier || a.position - b.position)
    .map((entry) => entry.id);
}

export function buildDefaultChain(
  env: CoreEnv,
  yaml: GatewayYaml,
  providers: ProviderConfig[],
  descriptors: readonly ProviderConfigDescriptor[],
  problems: string[],
  warnings: string[],
): string[] {
  const requested = env.PROVIDER_ORDER ?? yaml.default_route;
  const source = env.PROVIDER_ORDER ? 'PROVIDER_ORDER' : 'GATEWAY_CONFIG default_route';
  if (!requested) return tieredOrder(providers, descriptors);
  const knownNames = new Set(
    descriptors.flatMap((descriptor) => [descriptor.id, ...descriptor.aliases]),
  );
  const chain: string[] = [];
  for (const name of requested) {
    const id = resolveProviderId(name, providers);
    if (id) {
      if (!chain.includes(id)) chain.push(id);
    } else if (knownNames.has(name)) {
      warnings.push(
        `${source} names '${name}', which is not configured (no credentials or URL set): skipped`,
      );
    } else {
      problems.push(
        `${source}: unknown provider '${name}' (configured: ${providers.map((p) => p.id).join(', ') || 'none'})`,
      );
    }
  }
  return chain;
}

function toTarget(
  target: YamlTarget,
  providers: ProviderConfig[],
  alias: string,
  problems: string[],
): RouteTarget | undefined {
  const { provider: name, model } =
    typeof target === 'string'
      ? {
          provider: target.split('/')[0],
          model: target.includes('/') ? target.slice(target.indexOf('/') + 1) : undefined,
        }
      : target;
  const id = resolveProviderId(name, providers);
  if (!id) {
    problems.push(`GATEWAY_CONFIG routes.${alias}: provider '${name}' is not configured`);
    return undefined;
  }
  return { provider: id, model };
}

export function buildRoutes(
  yaml: GatewayYaml,
  providers: ProviderConfig[],
  problems: string[],
): RouteConfig[] {
  return Object.entries(yaml.routes ?? {}).map(([alias, targets]) => ({
    alias,
    targets: targets
      .map((target) => toTarget(target, providers, alias, problems))
      .filter((target): target is RouteTarget => target !== undefined),
  }));
}
