import type { ChatMessage } from '@app/contracts';
import {
  acceptsForcedToolUse,
  claudeThinkingFor,
  claudeVersion,
  takesAdaptiveThinking,
  takesOutputFormat,
} from './claude-models';
import {
  decodeToolCallId,
  encodeToolCallId,
  hasEncodedToolCallIds,
  withPlainToolCallIds,
} from './tool-call-id-codec';

describe('tool-call id codec', () => {
  const signature = Buffer.from('a signature of opaque bytes +/=').toString('base64');

  it('round-trips a Gemini thought signature in an id of id-safe characters', () => {
    const id = encodeToolCallId('call_abc', { kind: 'gemini-thought-signature', signature });
    expect(id).toMatch(/^call_abc__gts__[A-Za-z0-9_-]+$/);
    expect(decodeToolCallId(id)).toEqual({
      id: 'call_abc',
      opaque: { kind: 'gemini-thought-signature', signature },
    });
  });

  it('round-trips Claude thinking blocks, redacted ones included, compressed', () => {
    const thinking = 'a long line of reasoning '.repeat(40);
    const blocks = [
      { type: 'thinking' as const, thinking, signature },
      { type: 'redacted' as const, data: 'cmVkYWN0ZWQ=' },
    ];
    const id = encodeToolCallId('toolu_01', { kind: 'anthropic-thinking', blocks });
    expect(id.length).toBeLessThan(thinking.length);
    expect(decodeToolCallId(id)).toEqual({
      id: 'toolu_01',
      opaque: { kind: 'anthropic-thinking', blocks },
    });
  });

  it('leaves plain ids, and ids that only look encoded, as they are', () => {
    expect(decodeToolCallId('call_fake_1')).toEqual({ id: 'call_fake_1' });
    expect(decodeToolCallId('x__atk__not-deflate')).toEqual({ id: 'x__atk__not-deflate' });
  });

  it('reduces a conversation to the providers’ own ids, and allocates nothing when plain', () => {
    const encoded = encodeToolCallId('call_1', { kind: 'gemini-thought-signature', signature });
    const messages: ChatMessage[] = [
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: encoded, type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: encoded, content: 'ok' },
    ];
    expect(hasEncodedToolCallIds(messages)).toBe(true);
    const plain = withPlainToolCallIds(messages);
    expect(plain[1]).toMatchObject({ tool_calls: [{ id: 'call_1' }] });
    expect(plain[2]).toMatchObject({ tool_call_id: 'call_1' });
    expect(withPlainToolCallIds(plain)).toBe(plain);
  });
});

describe('Claude model generations', () => {
  it('reads versions from first-party, dated, legacy and Bedrock ids', () => {
    expect(claudeVersion('claude-sonnet-4-5-20250929')).toEqual({ major: 4, minor: 5 });
    expect(claudeVersion('claude-3-7-sonnet-20250219')).toEqual({ major: 3, minor: 7 });
    expect(claudeVersion('us.anthropic.claude-opus-4-1-20250805-v1:0')).toEqual({
      major: 4,
      minor: 1,
    });
    expect(claudeVersion('claude-sonnet-5-5')).toEqual({ major: 5, minor: 5 });
    expect(claudeVersion('claude-mythos-preview')).toBeUndefined();
  });

  it('knows which take adaptive thinking, native JSON output and forced tools', () => {
    expect(takesAdaptiveThinking('claude-sonnet-4-5')).toBe(false);
    expect(takesAdaptiveThinking('claude-sonnet-4-6')).toBe(true);
    expect(takesOutputFormat('claude-opus-4-1')).toBe(false);
    expect(takesOutputFormat('claude-haiku-4-5')).toBe(true);
    expect(acceptsForcedToolUse('claude-sonnet-5')).toBe(true);
    expect(acceptsForcedToolUse('claude-sonnet-5-5')).toBe(false);
  });

  it('maps effort to adaptive thinking on current models', () => {
    const limit = { value: 4096, fromClient: false };
    expect(claudeThinkingFor('claude-sonnet-5-5', 'minimal', limit)).toEqual({
      form: 'adaptive',
      thinking: { type: 'adaptive' },
      effort: 'low',
    });
    expect(claudeThinkingFor('claude-sonnet-4-6', 'none', limit)).toEqual({
      form: 'adaptive',
      effort: 'low',
    });
    expect(claudeThinkingFor('claude-sonnet-4-6', undefined, limit)).toEqual({ form: 'none' });
  });

  it('maps effort to a budget on older models, inside the client’s limit or on top of the default', () => {
    expect(
      claudeThinkingFor('claude-sonnet-4-5', 'medium', { value: 4096, fromClient: false }),
    ).toEqual({
      form: 'manual',
      thinking: { type: 'enabled', budget_tokens: 8192 },
      maxTokens: 4096 + 8192,
    });
    expect(
      claudeThinkingFor('claude-sonnet-4-5', 'high', { value: 5000, fromClient: true }),
    ).toMatchObject({ thinking: { budget_tokens: 4999 }, maxTokens: 5000 });
    expect(() =>
      claudeThinkingFor('claude-sonnet-4-5', 'low', { value: 800, fromClient: true }),
    ).toThrow(expect.objectContaining({ status: 400, param: 'max_completion_tokens' }));
    expect(
      claudeThinkingFor('claude-sonnet-4-5', 'none', { value: 800, fromClient: true }),
    ).toEqual({ form: 'none' });
  });
});
