import { splitReply } from './fake-conversation';

/** A Converse answer's content blocks, as the fake builds them. */
export type ConverseBlock =
  | { text: string }
  | { reasoningContent: { reasoningText: { text: string; signature: string } } }
  | { toolUse: { toolUseId: string; name: string; input: unknown } };

/**
 * The ConverseStream events that carry an answer, as `[event type, payload]`: reasoning as text
 * then signature deltas, text in `chunks` pieces, each tool use as a start and its JSON input in
 * two fragments (clients must concatenate them), then the stop and metadata events.
 */
export function* converseStreamEvents(answer: {
  content: ConverseBlock[];
  stopReason: string;
  usage: object;
  metrics: object;
  chunks: number;
}): Generator<[string, object]> {
  yield ['messageStart', { role: 'assistant' }];
  for (const [contentBlockIndex, block] of answer.content.entries()) {
    if ('reasoningContent' in block) {
      const { text, signature } = block.reasoningContent.reasoningText;
      for (const piece of splitReply(text, 2))
        yield [
          'contentBlockDelta',
          { contentBlockIndex, delta: { reasoningContent: { text: piece } } },
        ];
      yield [
        'contentBlockDelta',
        { contentBlockIndex, delta: { reasoningContent: { signature } } },
      ];
    } else if ('text' in block) {
      for (const piece of splitReply(block.text, answer.chunks))
        yield ['contentBlockDelta', { contentBlockIndex, delta: { text: piece } }];
    } else {
      const { toolUseId, name, input } = block.toolUse;
      yield ['contentBlockStart', { contentBlockIndex, start: { toolUse: { toolUseId, name } } }];
      const json = JSON.stringify(input);
      const middle = Math.floor(json.length / 2);
      for (const part of [json.slice(0, middle), json.slice(middle)])
        yield ['contentBlockDelta', { contentBlockIndex, delta: { toolUse: { input: part } } }];
    }
    yield ['contentBlockStop', { contentBlockIndex }];
  }
  yield ['messageStop', { stopReason: answer.stopReason }];
  yield ['metadata', { usage: answer.usage, metrics: answer.metrics }];
}
