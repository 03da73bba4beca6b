import { ScriptedChatProvider } from '../../test/support/scripted-chat-provider';
import type { ChatProvider } from '../providers/chat-provider';
import { DiscoveredModels } from './discovered-models';
import { ModelDiscovery } from './model-discovery';

/** A provider whose model list a test scripts: a list, a failure, or no answer at all. */
function listing(id: string, answer: () => Promise<string[]>): ChatProvider {
  const provider = new ScriptedChatProvider({ id, defaultModel: 'configured' });
  return Object.assign(provider, { listModels: () => answer() }) as ChatProvider;
}

describe('ModelDiscovery', () => {
  it('lists every provider that can list its models, at boot', async () => {
    const discovered = new DiscoveredModels();
    const discovery = new ModelDiscovery(
      [
        listing('ollama', async () => ['llama3:8b', 'qwen2.5']),
        new ScriptedChatProvider({ id: 'anthropic', defaultModel: 'claude' }),
      ],
      discovered,
      { refreshMs: 0, timeoutMs: 1000 },
    );
    await discovery.onApplicationBootstrap();
    expect(discovered.of('ollama')).toEqual(['llama3:8b', 'qwen2.5']);
    expect(discovered.of('anthropic')).toEqual([]);
    discovery.onApplicationShutdown();
  });

  it('never holds boot past its timeout for a provider that does not answer', async () => {
    const discovered = new DiscoveredModels();
    const hanging = new ScriptedChatProvider({ id: 'hanging', defaultModel: 'm' });
    // Honours the abort signal as the HTTP client does.
    Object.assign(hanging, {
      listModels: (context: { signal: AbortSignal }) =>
        new Promise((_, reject) =>
          context.signal.addEventListener('abort', () => reject(context.signal.reason)),
        ),
    });
    const discovery = new ModelDiscovery([hanging, listing('ok', async () => ['a'])], discovered, {
      refreshMs: 0,
      timeoutMs: 200,
    });
    const started = Date.now();
    await discovery.onApplicationBootstrap();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(discovered.of('ok')).toEqual(['a']);
    expect(discovered.of('hanging')).toEqual([]);
  });

  it('keeps the last list when a refresh fails, and picks up a changed list', async () => {
    const discovered = new DiscoveredModels();
    let answer: () => Promise<string[]> = async () => ['llama3:8b'];
    const warnings: unknown[] = [];
    const discovery = new ModelDiscovery(
      [listing('ollama', () => answer())],
      discovered,
      { refreshMs: 0, timeoutMs: 1000 },
      { info: () => undefined, warn: (entry: unknown) => void warnings.push(entry) },
    );
    await discovery.refresh();
    answer = async () => {
      throw new Error('connection refused');
    };
    await discovery.refresh();
    await discovery.refresh();
    expect(discovered.of('ollama')).toEqual(['llama3:8b']);
    expect(warnings).toHaveLength(1);
    answer = async () => ['llama3:8b', 'mistral'];
    await discovery.refresh();
    expect(discovered.of('ollama')).toEqual(['llama3:8b', 'mistral']);
  });
});
