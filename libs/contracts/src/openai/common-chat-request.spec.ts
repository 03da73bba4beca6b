import {
  agreementBodies,
  expectAgreement,
  expectLeftToSchema,
} from '@app/testing/contracts/proven-valid-agreement';
import { chatCompletionRequestSchema } from './chat-completion.schema';
import { isCommonChatRequest } from './common-chat-request';

type Body = Record<string, unknown>;

const user = { role: 'user', content: 'Say hello in twenty words.' };

/** Bodies real clients send, which the check must prove valid (else it is never used). */
const TYPICAL: Body[] = [
  { model: 'gpt-4o-mini', messages: [user] },
  { messages: [user], model: 'gpt-4o-mini', temperature: 0.7, max_tokens: 64 },
  {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: 'No lists.', name: 'ops' },
      user,
      { role: 'assistant', content: 'Hello.' },
      { role: 'assistant', content: null },
      { role: 'assistant', name: 'bot' },
      { role: 'tool', content: '42', tool_call_id: 'call_1' },
      { role: 'user', content: '', name: 'alice' },
    ],
    stream: true,
    stream_options: { include_usage: true },
    top_p: 1,
    n: 1,
    stop: ['\n', 'END'],
    seed: -7,
    frequency_penalty: -2,
    presence_penalty: 2,
    max_completion_tokens: 1,
    user: 'u-1',
    store: false,
    logprobs: null,
    top_logprobs: 20,
    parallel_tool_calls: true,
    service_tier: 'auto',
    reasoning_effort: 'low',
    verbosity: null,
    prompt_cache_key: 'k',
    safety_identifier: 's',
    provider: 'openai',
  },
];

/** Values tried for every field: each valid for some field, invalid for most. */
const VALUES: unknown[] = [
  null,
  true,
  0,
  -0,
  1,
  2,
  -2,
  -3,
  0.5,
  1.5,
  2.5,
  3,
  20,
  21,
  128,
  129,
  2 ** 53,
  Infinity,
  '',
  'x',
  'x'.repeat(257),
  [],
  ['a'],
  ['a', 'b', 'c', 'd', 'e'],
  [1],
  {},
  { include_usage: true },
  { include_usage: 'yes' },
  { other: true },
];

const FIELDS = [
  ...Object.keys(TYPICAL[2]),
  'tools',
  'tool_choice',
  'response_format',
  'metadata',
  'cache',
  'functions',
  'unknown_field',
];

const MESSAGE_VARIANTS: unknown[] = [
  null,
  'hello',
  [],
  {},
  { role: 'user' },
  { role: 'user', content: null },
  { role: 'user', content: 1 },
  { role: 'user', content: [{ type: 'text', text: 'hi' }] },
  { role: 'user', content: [] },
  { role: 'user', content: 'hi', name: null },
  { role: 'user', content: 'hi', extra: 1 },
  { role: 'system' },
  { role: 'developer', content: 'hi', tool_call_id: 'c' },
  { role: 'assistant', content: 1 },
  { role: 'assistant', content: 'hi', tool_calls: [] },
  { role: 'assistant', content: 'hi', refusal: null },
  { role: 'tool', content: 'x' },
  { role: 'tool', content: 'x', tool_call_id: '' },
  { role: 'tool', tool_call_id: 'c' },
  { role: 'function', content: 'x', name: 'f' },
  { role: 'robot', content: 'hi' },
  { role: 'constructor', content: 'hi' },
  { role: 'toString', content: 'hi' },
  { role: ['user'], content: 'hi' },
];

/** The corpus, plus the limits on messages and bodies Fastify's parser refuses anyway. */
function corpus(): Body[] {
  return [
    ...agreementBodies({
      typical: TYPICAL,
      fields: FIELDS,
      values: VALUES,
      messages: MESSAGE_VARIANTS,
    }),
    { model: 'm' },
    { messages: [user] },
    { model: 'm', messages: Array.from({ length: 2049 }, () => user) },
    { model: 'm', messages: Array.from({ length: 2048 }, () => user) },
    JSON.parse('{"model":"m","messages":[],"__proto__":{"x":1}}') as Body,
    JSON.parse('{"model":"m","messages":[{"role":"user","content":"hi","__proto__":{}}]}') as Body,
  ];
}

describe('isCommonChatRequest', () => {
  it('proves the bodies real clients send valid', () => {
    for (const body of TYPICAL) expect(isCommonChatRequest(body)).toBe(true);
  });

  it('accepts only what the schema accepts, and the schema hands such a body back unchanged', () => {
    const bodies = corpus();
    const accepted = expectAgreement(chatCompletionRequestSchema, isCommonChatRequest, bodies);
    // Both sides of the check are exercised: some bodies proven, many left to the schema.
    expect(accepted).toBeGreaterThan(100);
    expect(bodies.length - accepted).toBeGreaterThan(500);
  });

  it('leaves to the schema what it does not know, even when the schema accepts it', () => {
    const valid: Body[] = [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
      { model: 'm', messages: [user], tools: [{ type: 'function', function: { name: 'f' } }] },
      { model: 'm', messages: [user], a_newer_openai_field: 1 },
      { model: 'm', messages: [user], stream_options: { include_usage: true, other: 1 } },
    ];
    expectLeftToSchema(chatCompletionRequestSchema, isCommonChatRequest, valid);
  });
});
