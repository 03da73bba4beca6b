import { randomUUID } from 'node:crypto';
import type {
  AnthropicContentDelta,
  AnthropicResponseContentBlock,
  AnthropicStopReason,
  AnthropicStreamEvent,
  ChatCompletionChunk,
  ToolCallDelta,
  Usage,
} from '@app/contracts';
import { anthropicMessageId, toAnthropicUsage, toStopReason } from './chat-to-anthropic-message';

type OpenBlock =
  | { kind: 'text'; index: number }
  | { kind: 'thinking'; index: number }
  | { kind: 'tool'; index: number; toolIndex: number };

/**
 * Internal (OpenAI) stream chunks → Anthropic's stream events, one chunk at a time:
 * `message_start` on the first chunk, then content blocks in the order their deltas arrive —
 * reasoning as a `thinking` block (`thinking_delta`), text as a `text` block (`text_delta`), each
 * tool call as a `tool_use` block whose argument fragments become `input_json_delta` — each closed
 * (`content_block_stop`) when the next begins; `finish()` ends with `message_delta` (stop reason
 * and usage, which OpenAI streams send last) and `message_stop`.
 *
 * OpenAI streams one tool call after the other; should a fragment for an earlier call arrive
 * later, it is sent on that call's block (Anthropic's SDK and Claude Code accumulate by index).
 */
export class ChatChunksToAnthropicEvents {
  private started = false;
  private open: OpenBlock | undefined;
  private nextIndex = 0;
  private readonly toolBlocks = new Map<number, number>();
  private stopReason: AnthropicStopReason | undefined;
  private usage: Usage | undefined;

  translate(chunk: ChatCompletionChunk): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      events.push(this.messageStart(chunk));
    }
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices.find((candidate) => candidate.index === 0);
    if (!choice) return events;
    const delta = choice.delta;
    if (delta.reasoning_content)
      events.push(
        ...this.onText('thinking', { type: 'thinking_delta', thinking: delta.reasoning_content }),
      );
    const text = `${delta.content ?? ''}${delta.refusal ?? ''}`;
    if (text) events.push(...this.onText('text', { type: 'text_delta', text }));
    for (const call of delta.tool_calls ?? []) events.push(...this.onToolCall(call));
    if (choice.finish_reason) {
      this.stopReason = toStopReason(choice.finish_reason);
      events.push(...this.close());
    }
    return events;
  }

  /** The closing events, once the chunks have ended (the usage chunk comes after the finish). */
  finish(): AnthropicStreamEvent[] {
    const events = this.close();
    const usage = toAnthropicUsage(this.usage);
    events.push(
      {
        type: 'message_delta',
        delta: { stop_reason: this.stopReason ?? 'end_turn', stop_sequence: null },
        usage,
      },
      { type: 'message_stop' },
    );
    return events;
  }

  private messageStart(chunk: ChatCompletionChunk): AnthropicStreamEvent {
    return {
      type: 'message_start',
      message: {
        id: anthropicMessageId(chunk.id),
        type: 'message',
        role: 'assistant',
        model: chunk.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // OpenAI reports usage at the end: the counts come in message_delta.
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    };
  }

  private onText(kind: 'text' | 'thinking', delta: AnthropicContentDelta): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    if (this.open?.kind !== kind) {
      events.push(...this.close());
      const block: AnthropicResponseContentBlock =
        kind === 'text'
          ? { type: 'text', text: '' }
          : { type: 'thinking', thinking: '', signature: '' };
      events.push(this.startBlock({ kind, index: this.nextIndex }, block));
    }
    events.push({ type: 'content_block_delta', index: this.open!.index, delta });
    return events;
  }

  private onToolCall(call: ToolCallDelta): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    let index = this.toolBlocks.get(call.index);
    if (index === undefined) {
      events.push(...this.close());
      index = this.nextIndex;
      this.toolBlocks.set(call.index, index);
      events.push(
        this.startBlock(
          { kind: 'tool', index, toolIndex: call.index },
          {
            type: 'tool_use',
            id: call.id ?? `toolu_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
            name: call.function?.name ?? '',
            input: {},
          },
        ),
      );
    }
    const fragment = call.function?.arguments;
    if (fragment)
      events.push({
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: fragment },
      });
    return events;
  }

  private startBlock(open: OpenBlock, block: AnthropicResponseContentBlock): AnthropicStreamEvent {
    this.open = open;
    this.nextIndex += 1;
    return { type: 'content_block_start', index: open.index, content_block: block };
  }

  private close(): AnthropicStreamEvent[] {
    if (!this.open) return [];
    const index = this.open.index;
    this.open = undefined;
    return [{ type: 'content_block_stop', index }];
  }
}
