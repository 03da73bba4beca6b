import { countTokens } from './fake-conversation';

type Block = { type?: string; cache_control?: unknown; [field: string]: unknown };

interface CacheableBody {
  system?: string | Block[];
  messages?: { role: string; content: string | Block[] }[];
  tools?: Block[];
}

/**
 * Anthropic's prompt caching as usage reports it: the prompt up to the last block marked with
 * `cache_control` is the cached prefix. The first request with a prefix writes it
 * (`cache_creation_input_tokens`), the next ones read it (`cache_read_input_tokens`); the rest
 * of the prompt is `input_tokens`. A prefix is remembered per fake, as Anthropic does per
 * organisation (without its 5-minute expiry).
 */
export class FakePromptCache {
  private readonly written = new Set<string>();

  usage(body: CacheableBody): {
    input_tokens: number;
    cache_creation_input_tokens?: number;
    cache_read_input_tokens?: number;
  } {
    const blocks = promptBlocks(body);
    // The fake's usual count (the messages' words); the cached prefix is a part of it.
    const total = countTokens(body.messages);
    const last = blocks.findLastIndex((block) => block.cache_control !== undefined);
    if (last === -1) return { input_tokens: total };
    const prefix = JSON.stringify(blocks.slice(0, last + 1));
    const cached = Math.min(total, countTokens(blocks.slice(0, last + 1)));
    const read = this.written.has(prefix);
    this.written.add(prefix);
    return {
      input_tokens: total - cached,
      cache_creation_input_tokens: read ? 0 : cached,
      cache_read_input_tokens: read ? cached : 0,
    };
  }
}

/** Tools, system, then messages: the order Anthropic caches a prompt in. */
function promptBlocks(body: CacheableBody): Block[] {
  const system =
    typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : body.system;
  const messages = (body.messages ?? []).flatMap((message) =>
    typeof message.content === 'string'
      ? [{ type: 'text', text: message.content }]
      : message.content,
  );
  return [...(body.tools ?? []), ...(system ?? []), ...messages];
}
