import type {
  GenerateContentResponse,
  GenerateContentResponseUsageMetadata,
} from '@google/genai' with { 'resolution-mode': 'import' };
import type { ChatCompletionChunk } from '@app/contracts';
import { ChunkWriter } from '../shared/chunk-writer';
import {
  reasoningOfParts,
  textOfParts,
  toFinishReason,
  toolCallsOfParts,
  toUsage,
} from './gemini-response';

/**
 * `streamGenerateContent` responses → OpenAI chunks. Gemini sends whole function calls (never
 * fragments, parallel calls often one event each), so each becomes one tool-call delta with its
 * full arguments, a unique id and the next index of its choice. Thought summaries become
 * `reasoning_content` deltas. `usageMetadata` is cumulative; the last one seen becomes the final
 * usage chunk.
 */
export class GeminiStreamTranslator {
  private readonly writer: ChunkWriter;
  private readonly started = new Set<number>();
  private readonly toolCallCounts = new Map<number, number>();
  private usageMetadata: GenerateContentResponseUsageMetadata | undefined;

  constructor(model: string) {
    this.writer = new ChunkWriter(`chatcmpl-gemini-${Date.now()}`, model);
  }

  translate(response: GenerateContentResponse): ChatCompletionChunk[] {
    if (response.responseId) this.writer.id = `chatcmpl-${response.responseId}`;
    if (response.usageMetadata) this.usageMetadata = response.usageMetadata;
    const chunks: ChatCompletionChunk[] = [];
    if (!response.candidates?.length && response.promptFeedback?.blockReason) {
      chunks.push(...this.start(0), this.writer.finish('content_filter'));
    }
    (response.candidates ?? []).forEach((candidate, position) => {
      const choice = candidate.index ?? position;
      chunks.push(...this.start(choice));
      const reasoning = reasoningOfParts(candidate.content?.parts);
      if (reasoning) chunks.push(this.writer.reasoning(reasoning, choice));
      const text = textOfParts(candidate.content?.parts);
      if (text) chunks.push(this.writer.content(text, choice));
      const calls = toolCallsOfParts(candidate.content?.parts);
      for (const call of calls)
        chunks.push(this.writer.toolCall({ index: this.nextToolIndex(choice), ...call }, choice));
      if (candidate.finishReason) {
        const calledTools = (this.toolCallCounts.get(choice) ?? 0) > 0;
        chunks.push(
          this.writer.finish(toFinishReason(candidate.finishReason, calledTools), choice),
        );
      }
    });
    return chunks;
  }

  /** The usage chunk, after the stream ended. */
  finish(): ChatCompletionChunk {
    return this.writer.usage(toUsage(this.usageMetadata));
  }

  private start(choice: number): ChatCompletionChunk[] {
    if (this.started.has(choice)) return [];
    this.started.add(choice);
    return [this.writer.role(choice)];
  }

  private nextToolIndex(choice: number): number {
    const index = this.toolCallCounts.get(choice) ?? 0;
    this.toolCallCounts.set(choice, index + 1);
    return index;
  }
}
