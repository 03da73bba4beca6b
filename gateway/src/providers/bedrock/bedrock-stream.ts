import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatCompletionChunk } from '@app/contracts';
import { ChunkWriter } from '../shared/chunk-writer';
import type { ClaudeThinkingBlock } from '../shared/tool-call-id-codec';
import { toFinishReason, toolCallId, toUsage } from './bedrock-response';

type Event<Name extends keyof ConverseStreamOutput> = NonNullable<ConverseStreamOutput[Name]>;

/**
 * ConverseStream events → OpenAI chunks, one event at a time.
 * - Tool-use blocks get consecutive OpenAI tool-call indices (Bedrock's block index counts text
 *   blocks too), and `toolUse.input` fragments become `function.arguments` fragments.
 * - Reasoning deltas become `reasoning_content` deltas; each finished reasoning block (text and
 *   signature, or redacted bytes) rides in the id of the next tool call.
 * - The answer tool of structured output streams as content.
 * - The `metadata` event (after `messageStop`) becomes the final usage chunk; exception events are
 *   thrown by the SDK itself.
 * - The role chunk waits for the first content, so a stream that fails right after
 *   `messageStart` has sent the client nothing and the router can still fail over.
 */
export class BedrockStreamTranslator {
  private readonly writer: ChunkWriter;
  private readonly toolIndexByBlock = new Map<number, number>();
  private readonly reasoningByBlock = new Map<number, ClaudeThinkingBlock>();
  private pendingReasoning: ClaudeThinkingBlock[] = [];
  private answerBlock: number | undefined;
  private started = false;

  constructor(
    id: string,
    model: string,
    private readonly options: { answerTool?: string } = {},
  ) {
    this.writer = new ChunkWriter(id, model);
  }

  translate(event: ConverseStreamOutput): ChatCompletionChunk[] {
    if (event.contentBlockStart)
      return [...this.start(), ...this.startBlock(event.contentBlockStart)];
    if (event.contentBlockDelta) return [...this.start(), ...this.delta(event.contentBlockDelta)];
    if (event.contentBlockStop) {
      this.stopBlock(event.contentBlockStop.contentBlockIndex ?? -1);
      return [];
    }
    if (event.messageStop) {
      const reason = toFinishReason(event.messageStop.stopReason);
      const calledTools = this.toolIndexByBlock.size > 0;
      return [
        ...this.start(),
        this.writer.finish(reason === 'tool_calls' && !calledTools ? 'stop' : reason),
      ];
    }
    if (event.metadata) return [this.writer.usage(toUsage(event.metadata.usage))];
    return [];
  }

  /** The role chunk, once, before the first content. */
  private start(): ChatCompletionChunk[] {
    if (this.started) return [];
    this.started = true;
    return [this.writer.role()];
  }

  private startBlock(event: Event<'contentBlockStart'>): ChatCompletionChunk[] {
    const toolUse = event.start?.toolUse;
    if (!toolUse) return [];
    const blockIndex = event.contentBlockIndex ?? -1;
    if (toolUse.name === this.options.answerTool) {
      this.answerBlock = blockIndex;
      return [];
    }
    const toolIndex = this.toolIndexByBlock.size;
    this.toolIndexByBlock.set(blockIndex, toolIndex);
    const id = toolCallId(toolUse.toolUseId ?? '', this.pendingReasoning);
    this.pendingReasoning = [];
    return [
      this.writer.toolCall({
        index: toolIndex,
        id,
        type: 'function',
        function: { name: toolUse.name, arguments: '' },
      }),
    ];
  }

  private delta(event: Event<'contentBlockDelta'>): ChatCompletionChunk[] {
    const delta = event.delta;
    const blockIndex = event.contentBlockIndex ?? -1;
    if (typeof delta?.text === 'string') return delta.text ? [this.writer.content(delta.text)] : [];
    if (delta?.reasoningContent) return this.reasoning(blockIndex, delta.reasoningContent);
    const input = delta?.toolUse?.input;
    if (!input) return [];
    if (blockIndex === this.answerBlock) return [this.writer.content(input)];
    const toolIndex = this.toolIndexByBlock.get(blockIndex);
    return toolIndex === undefined
      ? []
      : [this.writer.toolCall({ index: toolIndex, function: { arguments: input } })];
  }

  private reasoning(
    blockIndex: number,
    delta: NonNullable<Event<'contentBlockDelta'>['delta']>['reasoningContent'] & object,
  ): ChatCompletionChunk[] {
    if (delta.redactedContent) {
      const data = Buffer.from(delta.redactedContent).toString('base64');
      this.reasoningByBlock.set(blockIndex, { type: 'redacted', data });
      return [];
    }
    let block = this.reasoningByBlock.get(blockIndex);
    if (!block || block.type !== 'thinking') {
      block = { type: 'thinking', thinking: '', signature: '' };
      this.reasoningByBlock.set(blockIndex, block);
    }
    if (delta.signature) block.signature += delta.signature;
    if (!delta.text) return [];
    block.thinking += delta.text;
    return [this.writer.reasoning(delta.text)];
  }

  private stopBlock(blockIndex: number): void {
    const block = this.reasoningByBlock.get(blockIndex);
    if (!block) return;
    this.reasoningByBlock.delete(blockIndex);
    this.pendingReasoning.push(block);
  }
}
