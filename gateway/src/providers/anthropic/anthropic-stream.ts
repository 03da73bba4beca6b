import type { ChatCompletionChunk } from '@app/contracts';
import { ChunkWriter } from '../shared/chunk-writer';
import type { ClaudeThinkingBlock } from '../shared/tool-call-id-codec';
import {
  thinkingBlockOf,
  toFinishReason,
  toolCallId,
  toUsage,
  type AnswerOptions,
} from './anthropic-response';
import type { AnthropicStreamEvent, AnthropicUsage } from './anthropic-wire.types';

type BlockEvent<Type extends AnthropicStreamEvent['type']> = Extract<
  AnthropicStreamEvent,
  { type: Type }
>;

/**
 * Anthropic Messages stream events → OpenAI chunks, one event at a time.
 * - Tool-use blocks get consecutive OpenAI tool-call indices (Anthropic's block index counts text
 *   and thinking blocks too), and `input_json_delta` fragments become `function.arguments`.
 * - Thinking deltas become `reasoning_content` deltas; each finished thinking block (its signature
 *   arrives last) rides in the id of the next tool call, as in non-streamed answers.
 * - The answer tool of structured output streams as content.
 * - The role chunk waits for the first content block: an `error` event right after
 *   `message_start` (an overload) then fails the attempt before anything reached the client, so
 *   the router can still fail over.
 */
export class AnthropicStreamTranslator {
  private readonly writer: ChunkWriter;
  private readonly toolIndexByBlock = new Map<number, number>();
  private readonly thinkingByBlock = new Map<number, { thinking: string; signature: string }>();
  private pendingThinking: ClaudeThinkingBlock[] = [];
  private answerBlock: number | undefined;
  private started = false;
  private usage: AnthropicUsage = {};

  constructor(
    model: string,
    private readonly options: AnswerOptions = {},
  ) {
    this.writer = new ChunkWriter('msg', model);
  }

  translate(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'message_start':
        this.writer.id = event.message.id;
        this.writer.model = event.message.model || this.writer.model;
        this.usage = { ...event.message.usage };
        return [];
      case 'content_block_start':
        return [...this.start(), ...this.startBlock(event)];
      case 'content_block_delta':
        return this.delta(event);
      case 'content_block_stop':
        this.stopBlock(event.index);
        return [];
      case 'message_delta': {
        // message_delta usage counts are cumulative: they replace, not add to, the start's counts.
        this.usage = { ...this.usage, ...withoutNulls(event.usage) };
        const reason = toFinishReason(event.delta.stop_reason);
        const calledTools = this.toolIndexByBlock.size > 0;
        return [
          ...this.start(),
          this.writer.finish(reason === 'tool_calls' && !calledTools ? 'stop' : reason),
        ];
      }
      case 'message_stop':
        return [this.writer.usage(toUsage(this.usage))];
      default:
        return [];
    }
  }

  private start(): ChatCompletionChunk[] {
    if (this.started) return [];
    this.started = true;
    return [this.writer.role()];
  }

  private startBlock(event: BlockEvent<'content_block_start'>): ChatCompletionChunk[] {
    const block = event.content_block;
    if (block.type === 'text' && 'text' in block)
      return block.text ? [this.writer.content(block.text)] : [];
    if (block.type === 'thinking') {
      const thinking = 'thinking' in block ? block.thinking : '';
      this.thinkingByBlock.set(event.index, { thinking, signature: '' });
      return thinking ? [this.writer.reasoning(thinking)] : [];
    }
    const redacted = thinkingBlockOf(block);
    if (redacted) {
      this.pendingThinking.push(redacted);
      return [];
    }
    if (block.type !== 'tool_use' || !('id' in block)) return [];
    if (block.name === this.options.answerTool) {
      this.answerBlock = event.index;
      return [];
    }
    const toolIndex = this.toolIndexByBlock.size;
    this.toolIndexByBlock.set(event.index, toolIndex);
    const id = toolCallId(block.id, this.pendingThinking);
    this.pendingThinking = [];
    return [
      this.writer.toolCall({
        index: toolIndex,
        id,
        type: 'function',
        function: { name: block.name, arguments: '' },
      }),
    ];
  }

  private delta(event: BlockEvent<'content_block_delta'>): ChatCompletionChunk[] {
    const delta = event.delta;
    if (delta.type === 'text_delta' && 'text' in delta) return [this.writer.content(delta.text)];
    const thinking = this.thinkingByBlock.get(event.index);
    if (delta.type === 'thinking_delta' && 'thinking' in delta && thinking) {
      thinking.thinking += delta.thinking;
      return delta.thinking ? [this.writer.reasoning(delta.thinking)] : [];
    }
    if (delta.type === 'signature_delta' && 'signature' in delta && thinking) {
      thinking.signature += delta.signature;
      return [];
    }
    if (delta.type !== 'input_json_delta' || !('partial_json' in delta) || !delta.partial_json)
      return [];
    if (event.index === this.answerBlock) return [this.writer.content(delta.partial_json)];
    const toolIndex = this.toolIndexByBlock.get(event.index);
    return toolIndex === undefined
      ? []
      : [this.writer.toolCall({ index: toolIndex, function: { arguments: delta.partial_json } })];
  }

  private stopBlock(index: number): void {
    const thinking = this.thinkingByBlock.get(index);
    if (!thinking) return;
    this.thinkingByBlock.delete(index);
    this.pendingThinking.push({ type: 'thinking', ...thinking });
  }
}

function withoutNulls(usage: AnthropicUsage): AnthropicUsage {
  return Object.fromEntries(
    Object.entries(usage).filter(([, value]) => value !== null && value !== undefined),
  );
}
