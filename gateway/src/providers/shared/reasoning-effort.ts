import {
  REASONING_EFFORTS,
  type ChatCompletionRequest,
  type ReasoningEffort,
} from '@app/contracts';

/** The request's `reasoning_effort`, or undefined when it asks for nothing. */
export function reasoningEffortOf(request: ChatCompletionRequest): ReasoningEffort | undefined {
  const effort = request.reasoning_effort;
  return typeof effort === 'string' && isReasoningEffort(effort) ? effort : undefined;
}

export function isReasoningEffort(value: unknown): value is ReasoningEffort {
  return (REASONING_EFFORTS as readonly unknown[]).includes(value);
}

/** Field-table rule: a level OpenAI does not define cannot be translated to any provider. */
export const rejectsUnknownEffort = (value: unknown): boolean => !isReasoningEffort(value);

/**
 * Thinking-token budgets for providers that take a number instead of a level (Claude before 4.6,
 * Gemini 2.5). Spaced like OpenAI's levels; `none` is handled by each adapter.
 */
export const REASONING_BUDGET_TOKENS: Readonly<Record<Exclude<ReasoningEffort, 'none'>, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32000,
};
