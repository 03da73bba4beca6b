import { GatewayError, type ReasoningEffort } from '@app/contracts';
import { REASONING_BUDGET_TOKENS } from './reasoning-effort';

/**
 * How a Claude model takes `reasoning_effort`, shared by the Anthropic and Bedrock adapters (the
 * same models behind two APIs). Anthropic documents two forms:
 * - manual: `thinking: {type: "enabled", budget_tokens}` — the only form before Claude 4.6;
 *   deprecated on 4.6 and rejected with a 400 from the Claude 5 generation on;
 * - adaptive: `thinking: {type: "adaptive"}` with `output_config.effort` — Claude 4.6 and later.
 * The split is by model version, read from the id (`claude-sonnet-4-5-20250929`,
 * `claude-3-7-sonnet-20250219`, `anthropic.claude-sonnet-4-6`, `us.anthropic.claude-opus-4-1-…`).
 * An id with no version (a custom or preview name) is taken as current, i.e. adaptive.
 */
export type ClaudeThinking =
  | { form: 'manual'; thinking: { type: 'enabled'; budget_tokens: number }; maxTokens: number }
  | {
      form: 'adaptive';
      thinking?: { type: 'adaptive' };
      effort: 'low' | 'medium' | 'high' | 'xhigh';
    }
  | { form: 'none' };

/** The smallest budget Anthropic accepts for manual thinking. */
export const MIN_THINKING_BUDGET = 1024;

/** Major and minor version of a Claude model id, when it has one. */
export function claudeVersion(model: string): { major: number; minor: number } | undefined {
  const name = /claude-(.*)$/.exec(model)?.[1];
  if (!name) return undefined;
  // Numbers after the family (sonnet-4-5) or before it (3-7-sonnet); an 8-digit date is no version.
  const numbers = name
    .split(/[-.:@]/)
    .filter((part) => /^\d{1,2}$/.test(part))
    .map(Number);
  if (numbers.length === 0) return undefined;
  return { major: numbers[0], minor: numbers[1] ?? 0 };
}

export function takesAdaptiveThinking(model: string): boolean {
  const version = claudeVersion(model);
  return !version || version.major > 4 || (version.major === 4 && version.minor >= 6);
}

/** From Claude 5 adaptive thinking is on when a request says nothing about thinking. */
export function thinksByDefault(model: string): boolean {
  const version = claudeVersion(model);
  return version !== undefined && version.major >= 5;
}

/** Native structured outputs (`output_config.format`) exist from Claude 4.5 on. */
export function takesOutputFormat(model: string): boolean {
  const version = claudeVersion(model);
  return !version || version.major > 4 || (version.major === 4 && version.minor >= 5);
}

/**
 * Forced tool use (`tool_choice` `any` or `tool`) is refused with a 400 from Claude 5.5 on
 * ("Forced tool use returns an error", Claude Sonnet 5.5 and Opus 5.5 migration guides).
 */
export function acceptsForcedToolUse(model: string): boolean {
  const version = claudeVersion(model);
  return !version || version.major < 5 || (version.major === 5 && version.minor < 5);
}

/**
 * `reasoning_effort` for a Claude model. Manual budgets come out of `max_tokens` (Anthropic counts
 * thinking inside it, as OpenAI counts reasoning inside `max_completion_tokens`): with a client
 * limit the budget shrinks to fit under it; with only the configured default the limit grows by
 * the budget so the answer keeps its room.
 */
export function claudeThinkingFor(
  model: string,
  effort: ReasoningEffort | undefined,
  maxTokens: { value: number; fromClient: boolean },
): ClaudeThinking {
  if (effort === undefined) return { form: 'none' };
  if (takesAdaptiveThinking(model)) {
    // `none` asks for the least: adaptive models may then skip thinking on their own.
    if (effort === 'none') return { form: 'adaptive', effort: 'low' };
    const level = effort === 'minimal' ? 'low' : effort;
    return { form: 'adaptive', thinking: { type: 'adaptive' }, effort: level };
  }
  if (effort === 'none') return { form: 'none' };
  const wanted = REASONING_BUDGET_TOKENS[effort];
  if (!maxTokens.fromClient) {
    return {
      form: 'manual',
      thinking: { type: 'enabled', budget_tokens: wanted },
      maxTokens: maxTokens.value + wanted,
    };
  }
  const budget = Math.min(wanted, maxTokens.value - 1);
  if (budget < MIN_THINKING_BUDGET) {
    throw GatewayError.invalidRequest(
      `reasoning_effort needs max_completion_tokens above ${MIN_THINKING_BUDGET} on ${model} ` +
        '(its thinking budget is counted inside the limit)',
      'max_completion_tokens',
      'invalid_value',
    );
  }
  return {
    form: 'manual',
    thinking: { type: 'enabled', budget_tokens: budget },
    maxTokens: maxTokens.value,
  };
}
