import { getLlamaRuntime, loadNodeLlamaCpp } from './llama-runtime';

jest.setTimeout(60_000); // loading node-llama-cpp is slow on a busy 2-core machine

describe('llama runtime', () => {
  it('loads node-llama-cpp once and shares one Llama instance', async () => {
    const [first, second] = await Promise.all([getLlamaRuntime(), getLlamaRuntime()]);
    expect(first).toBe(second);
    expect(await loadNodeLlamaCpp()).toBe(await loadNodeLlamaCpp());
  });
});
