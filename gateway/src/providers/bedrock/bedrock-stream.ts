import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatCompletionChunk } from '@app/contracts';
import { ChunkWriter } from '../shared/chunk-writer';
import { toFinishReason, toUsage } from './bedrock-response';

/**
 * ConverseStream events → OpenAI chunks, one event at a time. Tool-use blocks get consecutive
 * OpenAI tool-call indices (Bedrock's block index counts text blocks too), `toolUse.input`
 * fragments become `function.arguments` fragments, and the `metadata` event (which follows
 * `messageStop`) becomes the final usage chunk. Exception events are thrown by the SDK itself.
 */
export class BedrockStreamTranslator {
  private readonly writer: ChunkWriter;
  private readonly toolIndexByBlock = new Map<number, number>();
  private started = false;

  constructor(id: string, model: string) {
    this.writer = new ChunkWriter(id, model);
  }

  translate(event: ConverseStreamOutput): ChatCompletionChunk[] {
    if (event.messageStart) return this.start();
    if (event.contentBlockStart)
      return [...this.start(), ...this.startBlock(event.contentBlockStart)];
    if (event.contentBlockDelta) return [...this.start(), ...this.delta(event.contentBlockDelta)];
    if (event.messageStop)
      return [...this.start(), this.writer.finish(toFinishReason(event.messageStop.stopReason))];
    if (event.metadata) return [this.writer.usage(toUsage(event.metadata.usage))];
    return [];
  }

  /** The role chunk, once, even if an upstream skipped `messageStart`. */
  private start(): ChatCompletionChunk[] {
    if (this.started) return [];
    this.started = true;
    return [this.writer.role()];
  }

  private startBlock(
    event: NonNullable<ConverseStreamOutput['contentBlockStart']>,
  ): ChatCompletionChunk[] {
    const toolUse = event.start?.toolUse;
    if (!toolUse) return [];
    const toolIndex = this.toolIndexByBlock.size;
    this.toolIndexByBlock.set(event.contentBlockIndex ?? toolIndex, toolIndex);
    return [
      this.writer.toolCall({
        index: toolIndex,
        id: toolUse.toolUseId,
        type: 'function',
        function: { name: toolUse.name, arguments: '' },
      }),
    ];
  }

  private delta(
    event: NonNullable<ConverseStreamOutput['contentBlockDelta']>,
  ): ChatCompletionChunk[] {
    const delta = event.delta;
    if (typeof delta?.text === 'string') return delta.text ? [this.writer.content(delta.text)] : [];
    const toolIndex = this.toolIndexByBlock.get(event.contentBlockIndex ?? -1);
    const input = delta?.toolUse?.input;
    if (input && toolIndex !== undefined)
      return [this.writer.toolCall({ index: toolIndex, function: { arguments: input } })];
    return [];
  }
}
