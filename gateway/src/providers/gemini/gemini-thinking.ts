import type { ThinkingConfig, ThinkingLevel } from '@google/genai' with {
  'resolution-mode': 'import',
};
import type { ReasoningEffort } from '@app/contracts';
import { REASONING_BUDGET_TOKENS } from '../shared/reasoning-effort';

/** Major version of a Gemini model id (`gemini-2.5-flash` → 2, `gemini-3-pro-preview` → 3). */
export function geminiMajorVersion(model: string): number | undefined {
  const match = /gemini-(\d+)/.exec(model);
  return match ? Number(match[1]) : undefined;
}

/**
 * Gemini 3 and later use `thinkingLevel` and validate thought signatures; Gemini 2.5 takes a
 * `thinkingBudget` (sending both is a 400). A name without a version is taken as current.
 */
export function isGemini3OrLater(model: string): boolean {
  const major = geminiMajorVersion(model);
  return major === undefined || major >= 3;
}

/** The SDK's enum values; the SDK is ESM-only for TypeScript here, so its runtime enum is not imported. */
const level = (value: 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH') => value as ThinkingLevel;

const THINKING_LEVELS: Readonly<Record<ReasoningEffort, ThinkingLevel>> = {
  none: level('MINIMAL'),
  minimal: level('MINIMAL'),
  low: level('LOW'),
  medium: level('MEDIUM'),
  high: level('HIGH'),
  xhigh: level('HIGH'),
};

/**
 * `reasoning_effort` → `thinkingConfig`, with thought summaries asked for (`includeThoughts`) so
 * they come back as `reasoning_content`. `none` on Gemini 2.5 is budget 0 (thinking off; Gemini
 * 2.5 Pro cannot turn it off and answers 400, passed on as is); on Gemini 3 the lowest level.
 */
export function toThinkingConfig(
  model: string,
  effort: ReasoningEffort | undefined,
): ThinkingConfig | undefined {
  if (effort === undefined) return undefined;
  const includeThoughts = effort !== 'none';
  if (isGemini3OrLater(model)) return { thinkingLevel: THINKING_LEVELS[effort], includeThoughts };
  return {
    thinkingBudget: effort === 'none' ? 0 : REASONING_BUDGET_TOKENS[effort],
    includeThoughts,
  };
}
