/** What every setup of the gateway overhead bench is asked, and what the bench upstream answers. */
export const BENCH_MODEL = 'gpt-4o-mini';

/** Content chunks in the upstream's streamed answer. */
export const STREAM_CONTENT_CHUNKS = 20;

/** The same small request every time: the cache-hit setup depends on it repeating exactly. */
export const CHAT_BODY = JSON.stringify({
  model: BENCH_MODEL,
  messages: [{ role: 'user', content: 'Say hello in twenty words.' }],
});

export const STREAM_BODY = JSON.stringify({
  model: BENCH_MODEL,
  messages: [{ role: 'user', content: 'Say hello in twenty words.' }],
  stream: true,
  stream_options: { include_usage: true },
});

/** The Responses API form of the same request (OpenAI's defaults: `store` true, not streamed). */
export const RESPONSES_BODY = JSON.stringify({
  model: BENCH_MODEL,
  input: 'Say hello in twenty words.',
});

/** Anthropic's Messages API form of it (the model routes to the gateway's Anthropic target). */
export const MESSAGES_BODY = JSON.stringify({
  model: 'claude-sonnet-5-5',
  max_tokens: 256,
  messages: [{ role: 'user', content: 'Say hello in twenty words.' }],
});

/** Headers an Anthropic client sends besides its key. */
export const ANTHROPIC_HEADERS = { 'anthropic-version': '2023-06-01' };
