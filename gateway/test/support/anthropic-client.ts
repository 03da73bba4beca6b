import Anthropic from '@anthropic-ai/sdk';
import type { RunningGateway } from './gateway-harness';

/** The official Anthropic SDK pointed at the gateway, as Claude Code is (no SDK retries: tests count attempts). */
export function anthropicClient(
  gateway: RunningGateway,
  options: { apiKey?: string; authToken?: string; headers?: Record<string, string> } = {},
): Anthropic {
  return new Anthropic({
    baseURL: gateway.baseUrl,
    apiKey: options.authToken ? null : (options.apiKey ?? 'sk-client'),
    authToken: options.authToken ?? null,
    maxRetries: 0,
    defaultHeaders: options.headers,
  });
}

/** A 1×1 transparent PNG, base64. */
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather in a city',
  input_schema: {
    type: 'object' as const,
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
};

/** A parsed SSE body: each event's name and JSON data. */
export function namedSseEvents(text: string): { event: string; data: any }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
      return { event, data: JSON.parse(data) };
    });
}
