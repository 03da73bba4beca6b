import {
  agreementBodies,
  expectAgreement,
  expectLeftToSchema,
} from '@app/testing/contracts/proven-valid-agreement';
import { isCommonMessagesRequest } from './common-messages-request';
import { anthropicMessagesRequestSchema } from './messages-request.schema';

type Body = Record<string, unknown>;

const user = { role: 'user', content: 'Say hello in twenty words.' };

/** Bodies the Anthropic SDKs send for a plain conversation: the check must prove them valid. */
const TYPICAL: Body[] = [
  { model: 'claude-sonnet-5-5', max_tokens: 256, messages: [user] },
  {
    messages: [
      user,
      { role: 'assistant', content: [{ type: 'text', text: 'Hello.' }] },
      { role: 'user', content: [] },
    ],
    max_tokens: 1,
    model: 'claude-haiku-4-5',
    system: [{ type: 'text', text: 'Be brief.' }],
    stop_sequences: ['END'],
    stream: true,
    temperature: 1,
    top_p: 0,
    top_k: 0,
    metadata: { user_id: 'u-1' },
    service_tier: 'standard_only',
  },
  { model: 'm', max_tokens: 8, messages: [user], system: '', metadata: { user_id: null } },
];

/** Values tried for every field: each valid for some field, invalid for most. */
const VALUES: unknown[] = [
  null,
  true,
  0,
  -0,
  1,
  0.5,
  1.5,
  2 ** 53,
  '',
  'x',
  'x'.repeat(257),
  'auto',
  'priority',
  [],
  ['a'],
  [1],
  [{ type: 'text', text: 'hi' }],
  [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }],
  [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }],
  {},
  { user_id: 'u' },
  { user_id: 1 },
  { other: 1 },
];

const FIELDS = [
  ...Object.keys(TYPICAL[1]),
  'tools',
  'tool_choice',
  'thinking',
  'cache_control',
  'container',
  'unknown_field',
];

const MESSAGE_VARIANTS: unknown[] = [
  null,
  'hello',
  {},
  { role: 'user' },
  { role: 'user', content: null },
  { role: 'user', content: 1 },
  { role: 'user', content: [{ type: 'text' }] },
  { role: 'user', content: [{ type: 'text', text: 1 }] },
  { role: 'user', content: [{ type: 'image', source: { type: 'base64' } }] },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'x' }] },
  { role: 'user', content: 'hi', name: 'alice' },
  { role: 'system', content: 'hi' },
  { role: 'tool', content: 'hi' },
  { role: 'constructor', content: 'hi' },
  { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] },
];

function corpus(): Body[] {
  return [
    ...agreementBodies({
      typical: TYPICAL,
      fields: FIELDS,
      values: VALUES,
      messages: MESSAGE_VARIANTS,
    }),
    { model: 'm', messages: [user] },
  ];
}

describe('isCommonMessagesRequest', () => {
  it('proves the bodies of a plain conversation valid', () => {
    for (const body of TYPICAL) expect(isCommonMessagesRequest(body)).toBe(true);
  });

  it('accepts only what the schema accepts, and the schema hands such a body back unchanged', () => {
    const bodies = corpus();
    const accepted = expectAgreement(
      anthropicMessagesRequestSchema,
      isCommonMessagesRequest,
      bodies,
    );
    expect(accepted).toBeGreaterThan(60);
    expect(bodies.length - accepted).toBeGreaterThan(500);
  });

  it('leaves to the schema what it does not know, even when the schema accepts it', () => {
    const valid: Body[] = [
      { model: 'm', max_tokens: 8, messages: [user], tools: [] },
      {
        model: 'm',
        max_tokens: 8,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', citations: null }] }],
      },
      { model: 'm', max_tokens: 8, messages: [user], metadata: { user_id: 'u', extra: 1 } },
    ];
    expectLeftToSchema(anthropicMessagesRequestSchema, isCommonMessagesRequest, valid);
  });
});
