import type { ChatCompletionChunk } from '@app/contracts';
import { ChunkWriter } from '../shared/chunk-writer';
import { toFinishReason, toUsage } from './anthropic-response';
import type { AnthropicStreamEvent, AnthropicUsage } from './anthropic-wire.types';

/**
 * Anthropic Messages stream events → OpenAI chunks, one event at a time. Tool-use blocks get
 * consecutive OpenAI tool-call indices (Anthropic's block index counts text blocks too), and
 * `input_json_delta` fragments become `function.arguments` fragments.
 */
export class AnthropicStreamTranslator {
  private readonly writer: ChunkWriter;
  private readonly toolIndexByBlock = new Map<number, number>();
  private usage: AnthropicUsage = {};

  constructor(model: string) {
    this.writer = new ChunkWriter('msg', model);
  }

  translate(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'message_start':
        this.writer.id = event.message.id;
        this.writer.model = event.message.model || this.writer.model;
        this.usage = { ...event.message.usage };
        return [this.writer.role()];
      case 'content_block_start':
        return this.startBlock(event);
      case 'content_block_delta':
        return this.delta(event);
      case 'message_delta':
        // message_delta usage counts are cumulative: they replace, not add to, the start's counts.
        this.usage = { ...this.usage, ...withoutNulls(event.usage) };
        return [this.writer.finish(toFinishReason(event.delta.stop_reason))];
      case 'message_stop':
        return [this.writer.usage(toUsage(this.usage))];
      default:
        return [];
    }
  }

  private startBlock(
    event: Extract<AnthropicStreamEvent, { type: 'content_block_start' }>,
  ): ChatCompletionChunk[] {
    const block = event.content_block;
    if (block.type === 'text' && 'text' in block)
      return block.text ? [this.writer.content(block.text)] : [];
    if (block.type !== 'tool_use' || !('id' in block)) return [];
    const toolIndex = this.toolIndexByBlock.size;
    this.toolIndexByBlock.set(event.index, toolIndex);
    return [
      this.writer.toolCall({
        index: toolIndex,
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: '' },
      }),
    ];
  }

  private delta(
    event: Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>,
  ): ChatCompletionChunk[] {
    const delta = event.delta;
    if (delta.type === 'text_delta' && 'text' in delta) return [this.writer.content(delta.text)];
    const toolIndex = this.toolIndexByBlock.get(event.index);
    if (delta.type === 'input_json_delta' && 'partial_json' in delta && toolIndex !== undefined) {
      return delta.partial_json
        ? [this.writer.toolCall({ index: toolIndex, function: { arguments: delta.partial_json } })]
        : [];
    }
    return [];
  }
}

function withoutNulls(usage: AnthropicUsage): AnthropicUsage {
  return Object.fromEntries(
    Object.entries(usage).filter(([, value]) => value !== null && value !== undefined),
  );
}
