import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@app/contracts';
import { ProviderError } from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import type { ProviderCallContext } from '../chat-provider';
import { OpenAICompatibleProvider } from '../openai-compatible/openai-compatible.provider';
import { OpenAIHttpClient, upstreamBaseUrl } from '../openai-compatible/openai-http-client';
import { CopilotTokenSource } from './copilot-token-source';

/**
 * What the Copilot chat endpoint checks besides the token: it serves only known editor
 * integrations. Values mimic VS Code Copilot Chat; `config.headers` may override them.
 */
export const COPILOT_EDITOR_HEADERS: Readonly<Record<string, string>> = {
  'Editor-Version': 'vscode/1.99.0',
  'Editor-Plugin-Version': 'copilot-chat/0.26.0',
  'Copilot-Integration-Id': 'vscode-chat',
  'User-Agent': 'GitHubCopilotChat/0.26.0',
  'Openai-Intent': 'conversation-panel',
};

export const DEFAULT_COPILOT_TOKEN_URL = 'https://api.github.com/copilot_internal/v2/token';

interface CopilotCallContext extends ProviderCallContext {
  copilotToken: string;
}

export interface CopilotProviderOptions {
  timeoutMs: number;
  /** Injected in tests; built from config otherwise. */
  tokens?: CopilotTokenSource;
}

/**
 * GitHub Copilot's OpenAI-compatible chat API. Each call gets a fresh-enough Copilot token from
 * the token source; a 401 (token revoked or expired early) drops it and retries once.
 */
export class CopilotProvider extends OpenAICompatibleProvider {
  private readonly tokens: CopilotTokenSource;

  constructor(config: ProviderConfig, options: CopilotProviderOptions) {
    const editorHeaders = { ...COPILOT_EDITOR_HEADERS, ...config.headers };
    // The Authorization header is set per request from the exchanged token (see requestHeaders).
    const client = new OpenAIHttpClient({
      baseUrl: upstreamBaseUrl(config),
      timeoutMs: options.timeoutMs,
      headers: editorHeaders,
    });
    super(config, { timeoutMs: options.timeoutMs, client });
    this.tokens =
      options.tokens ??
      new CopilotTokenSource({
        tokenUrl: String(config.options.tokenUrl ?? DEFAULT_COPILOT_TOKEN_URL),
        githubToken: config.apiKey ?? '',
        headers: editorHeaders,
      });
  }

  override chat(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<ChatCompletion> {
    return this.withToken(context, (tokenContext) => super.chat(request, tokenContext));
  }

  override async *stream(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): AsyncIterable<ChatCompletionChunk> {
    // A rejected token fails before the first chunk, so retrying the whole stream repeats nothing.
    const chunks = await this.withToken(context, async (tokenContext) => {
      const iterator = super.stream(request, tokenContext)[Symbol.asyncIterator]();
      return { iterator, first: await iterator.next() };
    });
    if (chunks.first.done) return;
    yield chunks.first.value;
    for (let next = await chunks.iterator.next(); !next.done; next = await chunks.iterator.next())
      yield next.value;
  }

  protected override requestHeaders(context: ProviderCallContext): Record<string, string> {
    const token = (context as Partial<CopilotCallContext>).copilotToken;
    return {
      ...super.requestHeaders(context),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
  }

  private async withToken<T>(
    context: ProviderCallContext,
    call: (context: CopilotCallContext) => Promise<T>,
  ): Promise<T> {
    const token = await this.tokens.token(context.abort.signal);
    try {
      return await call({ ...context, copilotToken: token });
    } catch (error) {
      if (!(error instanceof ProviderError) || error.status !== 401) throw error;
      this.tokens.invalidate(token);
      return call({ ...context, copilotToken: await this.tokens.token(context.abort.signal) });
    }
  }
}
