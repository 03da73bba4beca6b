/**
 * The models each provider's upstream listed last (model discovery). Written by
 * `ModelDiscovery` at boot and every MODEL_REFRESH_SECONDS, read by the route resolver on the
 * request path: a map lookup, never a call.
 */
export class DiscoveredModels {
  private readonly byProvider = new Map<string, ReadonlySet<string>>();

  /** Replaces a provider's list; returns true when it changed. */
  replace(providerId: string, models: readonly string[]): boolean {
    const previous = this.byProvider.get(providerId);
    const next = new Set(models);
    this.byProvider.set(providerId, next);
    return !previous || previous.size !== next.size || [...next].some((m) => !previous.has(m));
  }

  has(providerId: string, model: string): boolean {
    return this.byProvider.get(providerId)?.has(model) ?? false;
  }

  of(providerId: string): readonly string[] {
    return [...(this.byProvider.get(providerId) ?? [])];
  }
}
