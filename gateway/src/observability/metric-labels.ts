import type { AppConfig } from '@app/config';

/** Labels for anything not in configuration or in the price table. */
export const OTHER_LABEL = 'other';

/**
 * Keeps label values bounded: model names and provider ids become labels only when the
 * configuration (or the price table) knows them, so a client sending random model names cannot
 * create new time series.
 */
export class MetricLabels {
  private readonly models: Set<string>;
  private readonly providers: Set<string>;

  constructor(config: Pick<AppConfig, 'providers' | 'routing'>, pricedModels: string[]) {
    this.providers = new Set(config.providers.map((provider) => provider.id));
    this.models = new Set([
      ...pricedModels,
      'default',
      'auto',
      ...config.routing.routes.flatMap((route) => [
        route.alias,
        ...route.targets.flatMap((target) => (target.model ? [target.model] : [])),
      ]),
      ...config.providers.flatMap((provider) => [
        provider.defaultModel,
        ...provider.models,
        ...(provider.embeddingModel ? [provider.embeddingModel] : []),
      ]),
    ]);
  }

  model(model: string): string {
    return this.models.has(model) ? model : OTHER_LABEL;
  }

  provider(provider: string): string {
    return this.providers.has(provider) ? provider : OTHER_LABEL;
  }
}

/**
 * prom-client's `labels()` builds a key string and hashes it on every call; this keeps the child
 * per label tuple so the request path does one Map lookup.
 */
export class LabelledChildren<Child> {
  private readonly children = new Map<string, Child>();

  constructor(private readonly create: (...values: string[]) => Child) {}

  get(...values: string[]): Child {
    const key = values.join('\u0000');
    let child = this.children.get(key);
    if (!child) {
      child = this.create(...values);
      this.children.set(key, child);
    }
    return child;
  }

  /** Every child made so far. */
  all(): IterableIterator<Child> {
    return this.children.values();
  }
}
