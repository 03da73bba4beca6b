import { ChatCompletionRequest, GatewayError } from '@app/contracts';

/** What a request asks of the sampler, validated and with defaults applied. */
export interface GenerationSettings {
  /** Undefined: until the context is full. */
  maxTokens?: number;
  temperature: number;
  topP?: number;
  seed?: number;
  stopSequences: string[];
}

/** OpenAI allows at most 4 stop sequences. */
const MAX_STOP_SEQUENCES = 4;

/**
 * Reads the sampling fields of a Chat Completions request. Fields the local engine cannot honour
 * (n > 1, logprobs) are rejected with a 400 instead of being silently ignored; tools are planned
 * separately (`tool-call-grammar.ts`).
 */
export function generationSettingsFromRequest(
  request: ChatCompletionRequest,
  defaultTemperature: number,
): GenerationSettings {
  rejectUnsupportedFields(request);
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens < 1)) {
    throw GatewayError.invalidRequest('max_tokens must be a positive integer', 'max_tokens');
  }
  return {
    maxTokens,
    temperature: request.temperature ?? defaultTemperature,
    topP: request.top_p ?? undefined,
    seed: request.seed ?? undefined,
    stopSequences: stopSequencesOf(request.stop),
  };
}

function stopSequencesOf(stop: ChatCompletionRequest['stop']): string[] {
  const sequences = (Array.isArray(stop) ? stop : stop ? [stop] : []).filter(
    (sequence) => sequence !== '',
  );
  if (sequences.length > MAX_STOP_SEQUENCES) {
    throw GatewayError.invalidRequest(
      `At most ${MAX_STOP_SEQUENCES} stop sequences are allowed`,
      'stop',
    );
  }
  return sequences;
}

function rejectUnsupportedFields(request: ChatCompletionRequest): void {
  if ((request.n ?? 1) !== 1) {
    throw GatewayError.unsupportedField('local', 'n');
  }
  if (request.logprobs) {
    throw GatewayError.unsupportedField('local', 'logprobs');
  }
}
