import {
  agreementBodies,
  expectAgreement,
  expectLeftToSchema,
} from '@app/testing/contracts/proven-valid-agreement';
import { isCommonResponsesRequest } from './common-responses-request';
import { responsesRequestSchema } from './responses.schema';

type Body = Record<string, unknown>;

/** The common calls the OpenAI SDKs make: the check must prove them valid. */
const TYPICAL: Body[] = [
  { model: 'gpt-4o-mini', input: 'Say hello in twenty words.' },
  { model: 'gpt-4o-mini' },
  {
    input: 'hi',
    model: 'gpt-4o-mini',
    instructions: 'Be brief.',
    previous_response_id: 'resp_1',
    parallel_tool_calls: false,
    max_output_tokens: 64,
    temperature: 2,
    top_p: 0,
    store: true,
    stream: null,
    user: 'u-1',
    safety_identifier: null,
    prompt_cache_key: 'k',
    service_tier: 'auto',
    provider: 'openai',
  },
];

/** Values tried for every field: each valid for some field, invalid for most. */
const VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  1,
  0.5,
  1.5,
  2.5,
  2 ** 53,
  '',
  'x',
  'x'.repeat(129),
  'x'.repeat(257),
  [],
  ['a'],
  [{ role: 'user', content: 'hi' }],
  {},
  { format: { type: 'text' } },
];

const FIELDS = [
  ...Object.keys(TYPICAL[2]),
  'tools',
  'text',
  'reasoning',
  'metadata',
  'include',
  'truncation',
  'background',
  'cache',
  'unknown_field',
];

describe('isCommonResponsesRequest', () => {
  it('proves the common calls valid', () => {
    for (const body of TYPICAL) expect(isCommonResponsesRequest(body)).toBe(true);
  });

  it('accepts only what the schema accepts, and the schema hands such a body back unchanged', () => {
    const bodies = agreementBodies({
      typical: TYPICAL,
      fields: FIELDS,
      values: VALUES,
      messages: [],
    });
    const accepted = expectAgreement(responsesRequestSchema, isCommonResponsesRequest, bodies);
    expect(accepted).toBeGreaterThan(60);
    expect(bodies.length - accepted).toBeGreaterThan(400);
  });

  it('leaves to the schema what it does not know, even when the schema accepts it', () => {
    const valid: Body[] = [
      { model: 'm', input: [{ role: 'user', content: 'hi' }] },
      { model: 'm', input: 'hi', text: { format: { type: 'text' } } },
      { model: 'm', input: 'hi', truncation: 'disabled' },
    ];
    expectLeftToSchema(responsesRequestSchema, isCommonResponsesRequest, valid);
  });
});
