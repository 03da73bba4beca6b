import { GatewayError, ProviderError } from '@app/contracts';
import { toErrorResponse } from '@app/http';
import {
  anthropicStreamError,
  renderAnthropicError,
  withAnthropicFieldNames,
} from './anthropic-error-shape';
import { estimateInputTokens } from './input-token-estimate';

const render = (error: unknown) => renderAnthropicError(toErrorResponse(error));

describe("Anthropic's error shape", () => {
  it('keeps the status and headers and names the Anthropic type of each status', () => {
    const types: [GatewayError, string][] = [
      [GatewayError.invalidRequest('bad'), 'invalid_request_error'],
      [new GatewayError(401, 'no key', 'authentication_error'), 'authentication_error'],
      [new GatewayError(402, 'broke', 'insufficient_quota'), 'billing_error'],
      [new GatewayError(403, 'no', 'permission_error'), 'permission_error'],
      [GatewayError.modelNotFound('x'), 'not_found_error'],
      [new GatewayError(413, 'big', 'invalid_request_error'), 'request_too_large'],
      [new GatewayError(502, 'all failed', 'api_error'), 'api_error'],
      [new GatewayError(503, 'all open', 'service_unavailable'), 'overloaded_error'],
      [new GatewayError(504, 'slow', 'timeout_error'), 'timeout_error'],
    ];
    for (const [error, type] of types) {
      expect(render(error)).toEqual({
        status: error.status,
        body: { type: 'error', error: { type, message: error.message } },
        headers: {},
      });
    }
    const limited = new GatewayError(
      429,
      'slow down',
      'rate_limit_error',
      null,
      null,
      {},
      {
        'retry-after': '7',
      },
    );
    expect(render(limited)).toMatchObject({
      status: 429,
      body: { error: { type: 'rate_limit_error' } },
      headers: { 'retry-after': '7' },
    });
    expect(render(new Error('secret internals'))).toEqual({
      status: 500,
      body: { type: 'error', error: { type: 'api_error', message: 'Internal gateway error' } },
      headers: {},
    });
  });

  it("ends a failed stream with Anthropic's type for the upstream's overload or rate limit", () => {
    const overloaded = new ProviderError('x', {
      kind: 'http',
      status: 529,
      code: 'overloaded_error',
    });
    expect(anthropicStreamError(overloaded, 'anthropic')).toEqual({
      type: 'error',
      error: {
        type: 'overloaded_error',
        message: "Provider 'anthropic' failed mid-stream: HTTP 529 (overloaded_error)",
      },
    });
    const broken = new ProviderError('x', { kind: 'connection' });
    expect(anthropicStreamError(broken, 'openai').error.type).toBe('api_error');
    const shutdown = new GatewayError(503, 'Server shutting down', 'service_unavailable');
    expect(anthropicStreamError(shutdown, 'openai').error).toEqual({
      type: 'overloaded_error',
      message: 'Server shutting down',
    });
  });

  it('names a rejected internal field as the Anthropic client wrote it', () => {
    const renamed = withAnthropicFieldNames(
      GatewayError.unsupportedField('local', 'reasoning_effort'),
    );
    expect(renamed).toMatchObject({
      param: 'thinking',
      message: "Field 'thinking' is not supported by provider 'local'",
    });
    const kept = GatewayError.unsupportedField('local', 'tools');
    expect(withAnthropicFieldNames(kept)).toBe(kept);
  });
});

describe('count_tokens estimate', () => {
  it('counts a token per four characters of text, tool inputs and definitions, 1600 per image, 3 per message', () => {
    expect(
      estimateInputTokens({
        model: 'm',
        system: 'abcd'.repeat(5),
        messages: [
          { role: 'user', content: 'abcd'.repeat(10) },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'toolu_1', name: 'w', input: { a: 1 } }],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: 'abcd' },
              {
                type: 'image',
                source: { type: 'base64', media_type: 'image/png', data: 'x'.repeat(9999) },
              },
            ],
          },
        ],
      }),
      // 20 + 40 + 1 (name "w") + 7 ('{"a":1}') + 4 = 72 characters → 18; one image; three messages.
    ).toBe(18 + 1600 + 9);
  });
});
