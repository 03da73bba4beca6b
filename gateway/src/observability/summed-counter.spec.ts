import { Registry } from 'prom-client';
import { SummedCounter } from './summed-counter';

describe('SummedCounter', () => {
  const scrape = async (registry: Registry) =>
    (await registry.metrics()).split('\n').filter((line) => line.startsWith('calls_total'));

  it('hands the sums to prom-client when it collects, adding only what came since', async () => {
    const registry = new Registry();
    const calls = new SummedCounter({
      name: 'calls_total',
      help: 'calls',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    });
    calls.cell('openai', 'success').value += 1;
    calls.cell('openai', 'success').value += 2;
    calls.cell('anthropic', 'error').value += 1;
    expect(await scrape(registry)).toEqual([
      'calls_total{provider="openai",outcome="success"} 3',
      'calls_total{provider="anthropic",outcome="error"} 1',
    ]);

    calls.cell('openai', 'success').value += 4;
    expect(await scrape(registry)).toEqual([
      'calls_total{provider="openai",outcome="success"} 7',
      'calls_total{provider="anthropic",outcome="error"} 1',
    ]);
    expect((await calls.counter.get()).values.map((value) => value.value)).toEqual([7, 1]);
  });

  it('shows no series for label values never counted', async () => {
    const registry = new Registry();
    const calls = new SummedCounter({
      name: 'calls_total',
      help: 'calls',
      labelNames: ['provider'],
      registers: [registry],
    });
    calls.cell('openai');
    expect(await scrape(registry)).toEqual([]);
  });
});
