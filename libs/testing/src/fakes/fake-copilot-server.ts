import type { ServerResponse } from 'node:http';
import { FakeHttpServer, sendJson, type RecordedRequest } from './fake-http-server';
import { forwardRequest } from './fake-forwarding';
import { FakeOpenAIServer, type FakeOpenAIOptions } from './fake-openai-server';

/** Headers the Copilot chat endpoint refuses to serve without. */
export const COPILOT_REQUIRED_HEADERS = [
  'editor-version',
  'editor-plugin-version',
  'copilot-integration-id',
  'user-agent',
  'openai-intent',
];

export interface FakeCopilotOptions extends FakeOpenAIOptions {
  /** The GitHub token the token endpoint accepts. Default 'gh-test-token'. */
  githubToken?: string;
  /** Lifetime of issued Copilot tokens. Default 1800 s. */
  tokenTtlSeconds?: number;
}

/**
 * GitHub Copilot on 127.0.0.1: `GET /copilot_internal/v2/token` exchanges a GitHub token for a
 * short-lived Copilot token; `/chat/completions` requires that token (unexpired) and the editor
 * headers, answering 401 otherwise, then behaves like FakeOpenAIServer (its `openai` field).
 */
export class FakeCopilotServer {
  /** How many token exchanges happened (tests prove caching and single-flight with it). */
  tokenExchanges = 0;
  tokenTtlSeconds: number;
  private readonly expiries = new Map<string, number>();

  private constructor(
    readonly http: FakeHttpServer,
    readonly openai: FakeOpenAIServer,
    private readonly githubToken: string,
    tokenTtlSeconds: number,
  ) {
    this.tokenTtlSeconds = tokenTtlSeconds;
  }

  static async start(options: FakeCopilotOptions = {}): Promise<FakeCopilotServer> {
    const openai = await FakeOpenAIServer.start(options);
    return FakeHttpServer.host((http) => {
      const fake = new FakeCopilotServer(
        http,
        openai,
        options.githubToken ?? 'gh-test-token',
        options.tokenTtlSeconds ?? 1800,
      );
      return { fake, handle: (request, response) => fake.handle(request, response) };
    });
  }

  get baseUrl(): string {
    return this.http.origin;
  }

  get tokenUrl(): string {
    return `${this.http.origin}/copilot_internal/v2/token`;
  }

  get chatRequests(): RecordedRequest[] {
    return this.http.requests.filter((request) => request.path.startsWith('/chat/completions'));
  }

  /** Makes every issued token invalid, as if they had expired server-side. */
  expireAllTokens(): void {
    this.expiries.clear();
  }

  async stop(): Promise<void> {
    await this.http.stop();
    await this.openai.stop();
  }

  private async handle(request: RecordedRequest, response: ServerResponse): Promise<void> {
    const path = request.path.split('?')[0];
    if (path === '/copilot_internal/v2/token') return this.issueToken(request, response);
    const problem = this.chatAuthProblem(request);
    if (problem)
      return sendJson(response, 401, {
        error: { message: problem, type: 'unauthorized', param: null, code: 'unauthorized' },
      });
    if (path === '/chat/completions' || path === '/models')
      return forwardRequest(request, `${this.openai.baseUrl}${path}`, response);
    sendJson(response, 404, {
      error: { message: 'not found', type: 'invalid_request_error', param: null, code: null },
    });
  }

  private issueToken(request: RecordedRequest, response: ServerResponse): void {
    if (request.headers.authorization !== `token ${this.githubToken}`) {
      return sendJson(response, 401, { message: 'Bad credentials' });
    }
    this.tokenExchanges += 1;
    const token = `cp-token-${this.tokenExchanges}`;
    const expiresAt = Math.floor(Date.now() / 1000) + this.tokenTtlSeconds;
    this.expiries.set(token, expiresAt * 1000);
    sendJson(response, 200, {
      token,
      expires_at: expiresAt,
      refresh_in: Math.max(0, this.tokenTtlSeconds - 300),
    });
  }

  private chatAuthProblem(request: RecordedRequest): string | undefined {
    const missing = COPILOT_REQUIRED_HEADERS.filter((name) => !request.headers[name]);
    if (missing.length > 0) return `missing headers: ${missing.join(', ')}`;
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const expiry = token ? this.expiries.get(token) : undefined;
    if (expiry === undefined) return 'unknown Copilot token';
    return expiry <= Date.now() ? 'expired Copilot token' : undefined;
  }
}
