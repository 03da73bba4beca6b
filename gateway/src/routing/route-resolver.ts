import { echoed, GatewayError } from '@app/contracts';
import type { RoutingConfig } from '@app/config';
import type { ChatProvider } from '../providers/chat-provider';
import { modelFamiliesOf } from '../providers/provider-list';
import type { ProviderRegistry } from '../providers/provider-registry';
import { DiscoveredModels } from './discovered-models';

export interface ResolvedTarget {
  provider: ChatProvider;
  model: string;
}

export interface ResolvedRoute {
  /** What the client asked for (alias or concrete model). */
  requested: string;
  targets: ResolvedTarget[];
}

/**
 * A gateway started with no provider answers every routed call with a 503 that says what to set
 * (a newcomer's first request), rather than a 404 for the model.
 */
function noProviderConfigured(): GatewayError {
  return new GatewayError(
    503,
    'No provider is configured: set OPENAI_API_KEY (or OPENAI_BASE_URL), OLLAMA_BASE_URL, ANTHROPIC_API_KEY, GEMINI_API_KEY, … or WORKER_LLM_MODEL_PATH, then restart the gateway',
    'service_unavailable',
    'no_providers_configured',
  );
}

/** 403 for a model outside the caller's allow-list; long names are cut in the message. */
export function modelNotAllowed(model: string): GatewayError {
  const shown = model.length > 128 ? `${model.slice(0, 128)}…` : model;
  return new GatewayError(
    403,
    `This API key may not use the model '${shown}'`,
    'permission_error',
    'model_not_allowed',
    'model',
  );
}

/** Aliases that always mean "the default chain". */
export const DEFAULT_ALIASES = ['default', 'auto'];

/**
 * In a YAML route, `provider/*` is "the requested model on this provider when it serves it
 * (configured or discovered), else its default model"; a route named `*` is the chain for any
 * model nothing else resolves (instead of a 404).
 */
export const ANY_MODEL = '*';

export type RouteKind = 'chat' | 'embeddings';

/**
 * Turns a request's `model` (and optional `provider` pin) into an ordered list of targets:
 * 1. a route alias from GATEWAY_CONFIG, or `default`/`auto` → that route's chain;
 * 2. `provider/model` → that provider with that model;
 * 3. a concrete model some provider serves → that provider first, then the rest of the default
 *    chain with their own default models (the seeds' "keep answering when a provider is down");
 *    a model only discovered (an upstream's own list) belongs to the first provider in chain
 *    order that lists it; a model of a family a provider declares (`claude-*` → Anthropic)
 *    counts as served by it;
 * 4. the YAML route `*`, when there is one;
 * 5. anything else → 404 model_not_found.
 * A `provider` pin keeps only that provider's targets (its default model when the route had none).
 */
export class RouteResolver {
  private readonly routes: Map<string, { provider: string; model?: string }[]>;
  private families: { provider: ChatProvider; pattern: RegExp }[] | undefined;

  constructor(
    private readonly routing: RoutingConfig,
    private readonly registry: ProviderRegistry,
    private readonly discovered: DiscoveredModels = new DiscoveredModels(),
  ) {
    this.routes = new Map(routing.routes.map((route) => [route.alias, route.targets]));
    const defaultTargets = routing.defaultChain.map((provider) => ({ provider }));
    for (const alias of DEFAULT_ALIASES)
      if (!this.routes.has(alias)) this.routes.set(alias, defaultTargets);
  }

  /**
   * @param allowedModels the caller's allow-list (absent: every model). A target is allowed when
   *   the list names the route alias the client asked for (an alias grants its own targets), the
   *   target's model, or `provider/model`; other targets are skipped (pins and failover
   *   included), and a route with none left is a 403.
   */
  resolve(
    model: string,
    pin: string | undefined,
    kind: RouteKind = 'chat',
    allowedModels?: readonly string[],
  ): ResolvedRoute {
    if (this.registry.providers.length === 0) throw noProviderConfigured();
    const pinned = pin === undefined ? undefined : this.registry.find(pin);
    if (pin !== undefined && !pinned) {
      throw new GatewayError(
        400,
        `Unknown provider '${echoed(pin)}'`,
        'invalid_request_error',
        'provider_not_found',
        'provider',
      );
    }
    let targets = this.targetsFor(model, kind);
    if (pinned) {
      targets = targets.filter((target) => target.provider === pinned);
      if (targets.length === 0)
        targets = [{ provider: pinned, model: this.defaultModel(pinned, kind, model) }];
    }
    if (targets.length === 0) {
      // A key with an allow-list learns nothing about models outside it, served or not.
      throw allowedModels && !allowedModels.includes(model)
        ? modelNotAllowed(model)
        : GatewayError.modelNotFound(model);
    }
    if (allowedModels) targets = this.allowedTargets(model, targets, allowedModels);
    return { requested: model, targets };
  }

  private allowedTargets(
    requested: string,
    targets: ResolvedTarget[],
    allowed: readonly string[],
  ): ResolvedTarget[] {
    if (this.routes.has(requested) && allowed.includes(requested)) return targets;
    const permitted = targets.filter(
      ({ provider, model }) =>
        allowed.includes(model) || allowed.includes(`${provider.id}/${model}`),
    );
    if (permitted.length === 0) throw modelNotAllowed(requested);
    return permitted;
  }

  /** Every model name a client may send, with the provider that owns it. */
  listModels(): { id: string; ownedBy: string }[] {
    const models = new Map<string, string>();
    for (const alias of this.routes.keys()) if (alias !== ANY_MODEL) models.set(alias, 'gateway');
    for (const provider of this.registry.providers) {
      for (const model of provider.config.models)
        if (!models.has(model)) models.set(model, provider.id);
    }
    for (const { model, provider } of this.discoveredModels())
      if (!models.has(model)) models.set(model, provider.id);
    return [...models].map(([id, ownedBy]) => ({ id, ownedBy }));
  }

  private targetsFor(model: string, kind: RouteKind): ResolvedTarget[] {
    const route = this.routes.get(model);
    if (route) return this.routeTargets(route, model, kind);
    const slash = model.indexOf('/');
    if (slash > 0) {
      const provider = this.registry.find(model.slice(0, slash));
      if (provider) return [{ provider, model: model.slice(slash + 1) }];
    }
    const owner =
      this.registry.providers.find((provider) => provider.config.models.includes(model)) ??
      this.discoveredOwner(model) ??
      this.familyOwner(model);
    if (!owner) {
      const anyModel = this.routes.get(ANY_MODEL);
      return anyModel ? this.routeTargets(anyModel, model, kind) : [];
    }
    const fallbacks = this.routing.defaultChain
      .map((id) => this.registry.find(id))
      .filter((provider): provider is ChatProvider => provider !== undefined && provider !== owner)
      .filter((provider) => kind === 'chat' || provider.embed !== undefined)
      .map((provider) => ({ provider, model: this.defaultModel(provider, kind, model) }));
    return [{ provider: owner, model }, ...fallbacks];
  }

  /**
   * The provider whose declared model family (`claude-*`) the model belongs to: the first in
   * default-chain order, then in configuration order (two Anthropic accounts: the one routed
   * first). Families never outrank a model a provider lists.
   */
  private familyOwner(model: string): ChatProvider | undefined {
    return this.familyPatterns().find(({ pattern }) => pattern.test(model))?.provider;
  }

  private familyPatterns(): { provider: ChatProvider; pattern: RegExp }[] {
    if (this.families) return this.families;
    this.families = this.chainOrder().flatMap((provider) =>
      modelFamiliesOf(provider.type).map((family) => ({
        provider,
        pattern: familyPattern(family),
      })),
    );
    return this.families;
  }

  private routeTargets(
    route: { provider: string; model?: string }[],
    requested: string,
    kind: RouteKind,
  ): ResolvedTarget[] {
    return route.flatMap(({ provider: id, model: routeModel }) => {
      const provider = this.registry.find(id);
      if (!provider) return [];
      const model =
        routeModel === undefined || routeModel === ANY_MODEL
          ? this.defaultModel(provider, kind, routeModel && requested)
          : routeModel;
      return [{ provider, model }];
    });
  }

  /** The first provider in chain order (then registry order) whose upstream lists `model`. */
  private discoveredOwner(model: string): ChatProvider | undefined {
    return this.chainOrder().find((provider) => this.discovered.has(provider.id, model));
  }

  /** Every discovered model with the provider it routes to (the first that lists it). */
  private discoveredModels(): { model: string; provider: ChatProvider }[] {
    const seen = new Set<string>();
    return this.chainOrder().flatMap((provider) =>
      this.discovered
        .of(provider.id)
        .filter((model) => !seen.has(model) && seen.add(model))
        .map((model) => ({ model, provider })),
    );
  }

  private chainOrder(): ChatProvider[] {
    const chain = this.routing.defaultChain
      .map((id) => this.registry.find(id))
      .filter((provider): provider is ChatProvider => provider !== undefined);
    return [...chain, ...this.registry.providers.filter((provider) => !chain.includes(provider))];
  }

  /** True when `provider` serves `model`: configured, or listed by its upstream. */
  private serves(provider: ChatProvider, model: string): boolean {
    return provider.config.models.includes(model) || this.discovered.has(provider.id, model);
  }

  private defaultModel(provider: ChatProvider, kind: RouteKind, requested?: string): string {
    if (requested && this.serves(provider, requested)) return requested;
    return kind === 'embeddings'
      ? (provider.config.embeddingModel ?? provider.config.defaultModel)
      : provider.config.defaultModel;
  }
}

/** `claude-*` → /^claude-.*$/: `*` matches anything, every other character itself. */
function familyPattern(family: string): RegExp {
  const escaped = family.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}
