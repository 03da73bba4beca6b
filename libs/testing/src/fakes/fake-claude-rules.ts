import type { FakeSignatureBook } from './fake-signatures';

/**
 * What Anthropic documents about Claude request validation that the Anthropic and Bedrock fakes
 * both enforce (the same models behind two APIs): the thinking form each model generation
 * takes, budget limits, effort levels, and forced tool use. Written from the docs, apart from the
 * gateway's own model table, so the fakes test the adapters instead of agreeing with them.
 */
export interface ClaudeRequestView {
  model: string;
  thinking?: { type?: string; budget_tokens?: number };
  maxTokens?: number;
  effort?: string;
  /** `any` / `tool` force tool use; `auto` / `none` do not. */
  toolChoiceType?: string;
}

const EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'];

export const MISSING_THINKING_MESSAGE =
  'Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a ' +
  'final `assistant` message must start with a thinking block (preceeding the lastmost set of ' +
  '`tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous ' +
  'turns. To avoid this requirement, disable `thinking`. Please consult our documentation at ' +
  'https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

export const INVALID_SIGNATURE_MESSAGE = 'Invalid `signature` in `thinking` block';

function versionOf(model: string): { major: number; minor: number } | undefined {
  const name = /claude-(.*)$/.exec(model)?.[1];
  const numbers = (name ?? '')
    .split(/[-.:@]/)
    .filter((part) => /^\d{1,2}$/.test(part))
    .map(Number);
  return numbers.length > 0 ? { major: numbers[0], minor: numbers[1] ?? 0 } : undefined;
}

const atLeast = (model: string, major: number, minor: number, unversioned: boolean) => {
  const version = versionOf(model);
  if (!version) return unversioned;
  return version.major > major || (version.major === major && version.minor >= minor);
};

/** Whether the model thinks for this request (adaptive thinking is on by default from Claude 5). */
export function claudeThinks(request: ClaudeRequestView): boolean {
  const type = request.thinking?.type;
  if (type === 'enabled' || type === 'adaptive') return true;
  return type === undefined && atLeast(request.model, 5, 0, false);
}

/** The 400 message Anthropic gives for this request's thinking, effort or tool choice, if any. */
export function claudeRequestProblem(request: ClaudeRequestView): string | undefined {
  const { model, thinking } = request;
  if (thinking?.type === 'enabled' && atLeast(model, 5, 0, false))
    return '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.';
  if (thinking?.type === 'adaptive' && !atLeast(model, 4, 6, true))
    return "thinking: Input tag 'adaptive' found using 'type' does not match any of the expected tags: 'disabled', 'enabled'";
  if (thinking?.type === 'enabled') {
    const budget = Number(thinking.budget_tokens);
    if (!Number.isInteger(budget) || budget < 1024)
      return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    if (request.maxTokens !== undefined && request.maxTokens <= budget)
      return '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size';
  }
  if (request.effort !== undefined && !EFFORTS.includes(request.effort))
    return `output_config.effort: Input should be ${EFFORTS.map((effort) => `'${effort}'`).join(', ')}`;
  const forced = request.toolChoiceType === 'any' || request.toolChoiceType === 'tool';
  if (forced && claudeThinks(request))
    return 'Thinking may not be enabled when tool_choice forces tool use.';
  if (forced && atLeast(model, 5, 5, false))
    return 'tool_choice: forced tool use is not supported on this model. Use tool_choice type "auto".';
  return undefined;
}

/** A turn as both Claude APIs carry it, reduced to what the thinking rules read. */
export interface ClaudeTurnView {
  role: string;
  blocks: {
    kind: 'thinking' | 'redacted' | 'tool_result' | 'other';
    thinking?: string;
    signature?: string;
  }[];
}

/**
 * Thinking blocks sent back must be ones this fake signed, for that exact text; and with thinking
 * on, a tool loop's last assistant turn must start with its thinking (Anthropic's 400 otherwise).
 */
export function thinkingHistoryProblem(
  turns: ClaudeTurnView[],
  thinks: boolean,
  signatures: FakeSignatureBook,
): string | undefined {
  for (const [index, turn] of turns.entries()) {
    for (const [position, block] of turn.blocks.entries()) {
      if (block.kind !== 'thinking') continue;
      if (!signatures.verify(block.signature ?? '', block.thinking ?? ''))
        return `messages.${index}.content.${position}: ${INVALID_SIGNATURE_MESSAGE}`;
    }
  }
  if (!thinks) return undefined;
  const inToolLoop = turns.at(-1)?.blocks.some((block) => block.kind === 'tool_result');
  const assistantIndex = turns.map((turn) => turn.role).lastIndexOf('assistant');
  const first = turns[assistantIndex]?.blocks[0]?.kind;
  if (!inToolLoop || !first || first === 'thinking' || first === 'redacted') return undefined;
  return `messages.${assistantIndex}.content.0.type: ${MISSING_THINKING_MESSAGE}`;
}
