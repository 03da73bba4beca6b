import type { ChatProvider } from './chat-provider';

/** The providers built at boot, found by id or alias (e.g. "local-worker" → "local"). */
export class ProviderRegistry {
  private readonly byName = new Map<string, ChatProvider>();

  constructor(readonly providers: readonly ChatProvider[]) {
    for (const provider of providers) {
      this.byName.set(provider.id, provider);
      for (const alias of provider.config.aliases) this.byName.set(alias, provider);
    }
  }

  find(name: string): ChatProvider | undefined {
    return this.byName.get(name);
  }

  get(id: string): ChatProvider {
    const provider = this.byName.get(id);
    if (!provider) throw new Error(`provider '${id}' is not registered`);
    return provider;
  }
}
