import type {
  ChatCompletionChunk,
  FinishReason,
  ResponseFunctionCall,
  ResponseObject,
  ResponseOutputMessage,
  ResponseOutputText,
  ResponseReasoning,
  ResponseRefusal,
  ResponseStreamEvent,
  Usage,
} from '@app/contracts';
import { incompleteReason, responsesId, responseUsage } from './responses-output';

type OpenItem =
  | { kind: 'reasoning'; item: ResponseReasoning; index: number }
  | { kind: 'message'; item: ResponseOutputMessage; index: number }
  | { kind: 'function_call'; item: ResponseFunctionCall; index: number; toolIndex: number };

/**
 * Turns a routed chat stream into the Responses API's event sequence, as OpenAI sends it:
 * `response.created`, `response.in_progress`; per output item `response.output_item.added`, its
 * parts and deltas (`response.content_part.added`, `response.output_text.delta`/`.done`,
 * `response.refusal.delta`/`.done`, `response.reasoning_summary_*`,
 * `response.function_call_arguments.delta`/`.done`), `response.output_item.done`; then
 * `response.completed` (or `response.incomplete`), or after a failure `response.failed` and
 * `error`. Every event carries its `sequence_number`. One item streams at a time: a new kind of
 * delta (reasoning, text, another tool call) closes the open item first.
 */
export class ResponsesStreamTranslator {
  private sequence = 0;
  private open: OpenItem | undefined;
  private readonly toolItems = new Map<number, OpenItem & { kind: 'function_call' }>();
  private finishReason: FinishReason | null = null;
  private usage: Usage | undefined;

  constructor(private readonly response: ResponseObject) {}

  /** The response as it stands (complete once `complete` or `fail` ran). */
  get snapshot(): ResponseObject {
    return this.response;
  }

  start(): ResponseStreamEvent[] {
    return [
      this.event('response.created', { response: this.copy() }),
      this.event('response.in_progress', { response: this.copy() }),
    ];
  }

  accept(chunk: ChatCompletionChunk): ResponseStreamEvent[] {
    if (chunk.usage) this.usage = chunk.usage;
    const events: ResponseStreamEvent[] = [];
    const choice = chunk.choices.find((candidate) => candidate.index === 0);
    if (!choice) return events;
    const { reasoning_content: reasoning, content, refusal, tool_calls: toolCalls } = choice.delta;
    if (reasoning) events.push(...this.reasoningDelta(reasoning));
    if (content) events.push(...this.messageDelta('output_text', content));
    if (refusal) events.push(...this.messageDelta('refusal', refusal));
    for (const call of toolCalls ?? []) events.push(...this.toolCallDelta(call));
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    return events;
  }

  /** Closes the open item and ends with `response.completed` (or `.incomplete`). */
  complete(): ResponseStreamEvent[] {
    const events: ResponseStreamEvent[] = [];
    if (this.response.output.length === 0) events.push(...this.messageDelta('output_text', ''));
    const incomplete = incompleteReason(this.finishReason);
    events.push(...this.closeOpen(incomplete ? 'incomplete' : 'completed'));
    this.response.status = incomplete ? 'incomplete' : 'completed';
    this.response.incomplete_details = incomplete;
    this.response.usage = responseUsage(this.usage);
    events.push(
      this.event(incomplete ? 'response.incomplete' : 'response.completed', {
        response: this.copy(),
      }),
    );
    return events;
  }

  /** After a failure past the first event: `response.failed`, then the `error` event. */
  fail(error: { code: string; message: string }): ResponseStreamEvent[] {
    if (this.open && this.open.kind !== 'reasoning') this.open.item.status = 'incomplete';
    this.open = undefined;
    this.response.status = 'failed';
    this.response.error = error;
    this.response.usage = responseUsage(this.usage);
    return [
      this.event('response.failed', { response: this.copy() }),
      this.event('error', { code: error.code, message: error.message, param: null }),
    ];
  }

  private reasoningDelta(text: string): ResponseStreamEvent[] {
    const events: ResponseStreamEvent[] = [];
    if (this.open?.kind !== 'reasoning') {
      events.push(...this.closeOpen('completed'));
      const item: ResponseReasoning = {
        type: 'reasoning',
        id: responsesId('rs'),
        summary: [{ type: 'summary_text', text: '' }],
      };
      const open = this.add({ kind: 'reasoning', item, index: this.response.output.length });
      events.push(
        this.event('response.output_item.added', {
          output_index: open.index,
          item: { ...item, summary: [] },
        }),
        this.event('response.reasoning_summary_part.added', {
          item_id: item.id,
          output_index: open.index,
          summary_index: 0,
          part: { type: 'summary_text', text: '' },
        }),
      );
    }
    const open = this.open as OpenItem & { kind: 'reasoning' };
    open.item.summary[0].text += text;
    events.push(
      this.event('response.reasoning_summary_text.delta', {
        item_id: open.item.id,
        output_index: open.index,
        summary_index: 0,
        delta: text,
      }),
    );
    return events;
  }

  private messageDelta(kind: 'output_text' | 'refusal', text: string): ResponseStreamEvent[] {
    const events: ResponseStreamEvent[] = [];
    if (this.open?.kind !== 'message') {
      events.push(...this.closeOpen('completed'));
      const item: ResponseOutputMessage = {
        type: 'message',
        id: responsesId('msg'),
        status: 'in_progress',
        role: 'assistant',
        content: [],
      };
      const open = this.add({ kind: 'message', item, index: this.response.output.length });
      events.push(
        this.event('response.output_item.added', { output_index: open.index, item: { ...item } }),
      );
    }
    const open = this.open as OpenItem & { kind: 'message' };
    let part = open.item.content.at(-1);
    if (part?.type !== kind) {
      if (part) events.push(...this.closePart(open));
      part =
        kind === 'output_text'
          ? { type: 'output_text', text: '', annotations: [], logprobs: [] }
          : { type: 'refusal', refusal: '' };
      open.item.content.push(part);
      events.push(
        this.event('response.content_part.added', {
          item_id: open.item.id,
          output_index: open.index,
          content_index: open.item.content.length - 1,
          part: { ...part },
        }),
      );
    }
    const where = {
      item_id: open.item.id,
      output_index: open.index,
      content_index: open.item.content.length - 1,
    };
    if (part.type === 'output_text') {
      part.text += text;
      if (text)
        events.push(
          this.event('response.output_text.delta', { ...where, delta: text, logprobs: [] }),
        );
    } else {
      part.refusal += text;
      events.push(this.event('response.refusal.delta', { ...where, delta: text }));
    }
    return events;
  }

  private toolCallDelta(call: {
    index: number;
    id?: string;
    function?: { name?: string; arguments?: string };
  }): ResponseStreamEvent[] {
    const events: ResponseStreamEvent[] = [];
    let open: (OpenItem & { kind: 'function_call' }) | undefined = this.toolItems.get(call.index);
    if (open === undefined) {
      events.push(...this.closeOpen('completed'));
      const item: ResponseFunctionCall = {
        type: 'function_call',
        id: responsesId('fc'),
        status: 'in_progress',
        call_id: call.id ?? responsesId('fc'),
        name: call.function?.name ?? '',
        arguments: '',
      };
      const added = this.add({
        kind: 'function_call' as const,
        item,
        index: this.response.output.length,
        toolIndex: call.index,
      });
      this.toolItems.set(call.index, added);
      open = added;
      events.push(
        this.event('response.output_item.added', { output_index: added.index, item: { ...item } }),
      );
    } else if (call.function?.name && !open.item.name) {
      open.item.name = call.function.name;
    }
    const fragment = call.function?.arguments;
    if (fragment) {
      open.item.arguments += fragment;
      events.push(
        this.event('response.function_call_arguments.delta', {
          item_id: open.item.id,
          output_index: open.index,
          delta: fragment,
        }),
      );
    }
    return events;
  }

  private add<T extends OpenItem>(open: T): T {
    this.response.output.push(open.item);
    this.open = open;
    return open;
  }

  private closeOpen(status: 'completed' | 'incomplete'): ResponseStreamEvent[] {
    const open = this.open;
    if (!open) return [];
    this.open = undefined;
    const events: ResponseStreamEvent[] = [];
    const where = { item_id: open.item.id, output_index: open.index };
    if (open.kind === 'reasoning') {
      const part = open.item.summary[0];
      events.push(
        this.event('response.reasoning_summary_text.done', {
          ...where,
          summary_index: 0,
          text: part.text,
        }),
        this.event('response.reasoning_summary_part.done', {
          ...where,
          summary_index: 0,
          part: { ...part },
        }),
      );
    } else if (open.kind === 'message') {
      events.push(...this.closePart(open));
      open.item.status = status;
    } else {
      open.item.status = 'completed';
      events.push(
        this.event('response.function_call_arguments.done', {
          ...where,
          name: open.item.name,
          arguments: open.item.arguments,
        }),
      );
    }
    events.push(
      this.event('response.output_item.done', {
        output_index: open.index,
        item: structuredClone(open.item),
      }),
    );
    return events;
  }

  private closePart(open: OpenItem & { kind: 'message' }): ResponseStreamEvent[] {
    const part = open.item.content.at(-1) as ResponseOutputText | ResponseRefusal;
    const where = {
      item_id: open.item.id,
      output_index: open.index,
      content_index: open.item.content.length - 1,
    };
    return [
      part.type === 'output_text'
        ? this.event('response.output_text.done', { ...where, text: part.text, logprobs: [] })
        : this.event('response.refusal.done', { ...where, refusal: part.refusal }),
      this.event('response.content_part.done', { ...where, part: { ...part } }),
    ];
  }

  private copy(): ResponseObject {
    return structuredClone(this.response);
  }

  private event(type: string, fields: Record<string, unknown>): ResponseStreamEvent {
    return { type, ...fields, sequence_number: this.sequence++ };
  }
}
