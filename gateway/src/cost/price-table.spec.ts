import type { AppConfig } from '@app/config';
import { PriceTable } from './price-table';

const config = (prices: AppConfig['controls']['prices'] = {}) =>
  ({
    providers: [
      { id: 'openai', type: 'openai-compatible' },
      { id: 'ollama', type: 'ollama' },
      { id: 'local', type: 'local' },
    ],
    controls: { prices },
  }) as unknown as Pick<AppConfig, 'providers' | 'controls'>;

describe('PriceTable', () => {
  it('prices a call from the shipped per-1M-token table', () => {
    expect(
      new PriceTable(config()).costUsd('openai', 'gpt-4o-mini', 1_000_000, 1_000_000),
    ).toBeCloseTo(0.75, 10);
  });

  it('matches dated, provider-prefixed and Bedrock ids to their family by longest prefix', () => {
    const table = new PriceTable(config());
    expect(table.priceOf('gpt-4o-mini-2024-07-18')).toEqual({ input: 0.15, output: 0.6 });
    expect(table.priceOf('gpt-4o-2024-08-06')).toEqual({ input: 2.5, output: 10 });
    expect(table.priceOf('openai/gpt-4.1-mini')).toEqual({ input: 0.4, output: 1.6 });
    expect(table.priceOf('us.anthropic.claude-3-5-sonnet-20240620-v1:0')).toEqual({
      input: 3,
      output: 15,
    });
    expect(table.priceOf('totally-unknown')).toBeUndefined();
  });

  it('lets config override a price and costs the local tier nothing', () => {
    const table = new PriceTable(
      config({ 'gpt-4o-mini': { input: 1, output: 2 }, 'llama3.2': { input: 0.1, output: 0.1 } }),
    );
    expect(table.costUsd('openai', 'gpt-4o-mini', 1_000_000, 0)).toBe(1);
    expect(table.costUsd('local', 'gpt-4o-mini', 1_000_000, 0)).toBe(1);
    expect(table.costUsd('ollama', 'qwen2.5', 1_000_000, 1_000_000)).toBe(0);
    expect(table.costUsd('ollama', 'llama3.2', 1_000_000, 0)).toBeCloseTo(0.1, 10);
  });
});
