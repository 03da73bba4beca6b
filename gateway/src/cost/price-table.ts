import type { AppConfig, ModelPrice } from '@app/config';
import { descriptorOf } from '../providers/provider-list';
import shipped from './prices.json';

const MEMO_LIMIT = 1000;
/** Bedrock model ids start with the vendor, optionally the region group: `us.anthropic.`. */
const BEDROCK_VENDOR_PREFIX = /^(?:[a-z]{2}\.)?[a-z]+\./;

/**
 * Model → price: the shipped table with config overrides on top. A dated or vendor-prefixed id
 * (`gpt-4o-2024-08-06`, `openai/gpt-4o`, Bedrock's `anthropic.claude-3-5-sonnet-…`) takes the
 * price of the longest known name it starts with. Providers whose descriptor is not `billed`
 * (Ollama, the local llama.cpp tier) cost nothing.
 */
export class PriceTable {
  private readonly prices: Map<string, ModelPrice>;
  private readonly longestFirst: string[];
  private readonly freeProviders: Set<string>;
  private readonly overrides: Set<string>;
  private readonly memo = new Map<string, ModelPrice | null>();

  constructor(config: Pick<AppConfig, 'providers' | 'controls'>) {
    this.prices = new Map(Object.entries({ ...shipped.models, ...config.controls.prices }));
    this.longestFirst = [...this.prices.keys()].sort((a, b) => b.length - a.length);
    this.freeProviders = new Set(
      config.providers
        .filter((provider) => !descriptorOf(provider).billed)
        .map((provider) => provider.id),
    );
    this.overrides = new Set(Object.keys(config.controls.prices));
  }

  /** Model names with a price: bounded, so usable as metric label values. */
  knownModels(): string[] {
    return [...this.prices.keys()];
  }

  priceOf(model: string): ModelPrice | undefined {
    let price = this.memo.get(model);
    if (price === undefined) {
      price = this.lookup(model) ?? null;
      // Upstreams name models themselves; the memo stays bounded whatever they send.
      if (this.memo.size < MEMO_LIMIT) this.memo.set(model, price);
    }
    return price ?? undefined;
  }

  /** USD for one call; 0 for unbilled providers (unless config prices that exact model) and unknown models. */
  costUsd(provider: string, model: string, promptTokens: number, completionTokens: number): number {
    if (this.freeProviders.has(provider) && !this.overrides.has(model)) return 0;
    const price = this.priceOf(model);
    if (!price) return 0;
    return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
  }

  private lookup(model: string): ModelPrice | undefined {
    const exact = this.prices.get(model);
    if (exact) return exact;
    const bare = model.slice(model.lastIndexOf('/') + 1).replace(BEDROCK_VENDOR_PREFIX, '');
    const family = this.longestFirst.find((name) => bare.startsWith(name));
    return family ? this.prices.get(family) : undefined;
  }
}
