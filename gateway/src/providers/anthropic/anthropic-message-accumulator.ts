import type {
  AnthropicMessage,
  AnthropicResponseContentBlock,
  AnthropicStreamEvent,
} from '@app/contracts';

type MutableBlock = AnthropicResponseContentBlock & Record<string, unknown>;

/**
 * Rebuilds the message a passed-through Anthropic stream amounts to, event by event, as the SDK's
 * `finalMessage()` does, so a streamed answer can be cached and replayed. Written here rather
 * than taken from the SDK's `MessageStream`: the adapter already iterates the raw events (it
 * translates them too), and `MessageStream` reports errors through its own emitter, which an
 * iterating caller would have to mirror to avoid unhandled rejections.
 *
 * `message` is defined only once `message_stop` arrived and every delta was understood: a delta
 * type this code does not know (a newer API feature) means the rebuilt message could be wrong,
 * so it is not offered for caching at all.
 */
export class AnthropicMessageAccumulator {
  private snapshot: AnthropicMessage | undefined;
  private readonly partialJson = new Map<number, string>();
  private understood = true;
  private stopped = false;

  add(event: AnthropicStreamEvent): void {
    switch (event.type) {
      case 'message_start':
        this.snapshot = { ...event.message, content: [...event.message.content] };
        return;
      case 'content_block_start':
        if (this.snapshot) this.snapshot.content[event.index] = { ...event.content_block };
        return;
      case 'content_block_delta':
        this.applyDelta(event);
        return;
      case 'content_block_stop':
        this.finishBlock(event.index);
        return;
      case 'message_delta':
        if (!this.snapshot) return;
        this.snapshot.stop_reason = event.delta.stop_reason;
        this.snapshot.stop_sequence = event.delta.stop_sequence;
        // Every count in message_delta is the message's running total: it replaces the start's.
        for (const [field, value] of Object.entries(event.usage))
          if (value !== null && value !== undefined)
            (this.snapshot.usage as Record<string, unknown>)[field] = value;
        return;
      case 'message_stop':
        this.stopped = true;
        return;
      default:
        return;
    }
  }

  /** The whole message, once the stream ended normally and every event was understood. */
  get message(): AnthropicMessage | undefined {
    return this.stopped && this.understood ? this.snapshot : undefined;
  }

  private applyDelta(event: Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>): void {
    const block = this.snapshot?.content[event.index] as MutableBlock | undefined;
    if (!block) {
      this.understood = false;
      return;
    }
    const delta = event.delta;
    switch (delta.type) {
      case 'text_delta':
        block.text = `${String(block.text ?? '')}${delta.text}`;
        return;
      case 'thinking_delta':
        block.thinking = `${String(block.thinking ?? '')}${delta.thinking}`;
        return;
      case 'signature_delta':
        block.signature = delta.signature;
        return;
      case 'input_json_delta':
        this.partialJson.set(
          event.index,
          (this.partialJson.get(event.index) ?? '') + delta.partial_json,
        );
        return;
      case 'citations_delta':
        block.citations = [...((block.citations as unknown[] | undefined) ?? []), delta.citation];
        return;
      default:
        this.understood = false;
    }
  }

  private finishBlock(index: number): void {
    const json = this.partialJson.get(index);
    if (json === undefined) return;
    this.partialJson.delete(index);
    const block = this.snapshot?.content[index] as MutableBlock | undefined;
    if (!block || !json) return;
    try {
      block.input = JSON.parse(json) as unknown;
    } catch {
      this.understood = false;
    }
  }
}
