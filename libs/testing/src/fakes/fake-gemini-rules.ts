import type { FakeSignatureBook } from './fake-signatures';

/**
 * What Google documents about Gemini request validation that FakeGeminiServer enforces: thought
 * signatures in the current turn (Gemini 3), thinking settings per generation, inline data.
 */

/** Google's documented stand-in signature for calls Gemini did not produce. */
export const GEMINI_SKIP_SIGNATURE = 'skip_thought_signature_validator';

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType?: string; data?: string };
  functionCall?: { name?: string; args?: unknown };
  functionResponse?: unknown;
}
export interface GenerateBody {
  contents?: { role?: string; parts?: GeminiPart[] }[];
  tools?: {
    functionDeclarations?: { name: string; parametersJsonSchema?: Record<string, unknown> }[];
  }[];
  toolConfig?: { functionCallingConfig?: { mode?: string; allowedFunctionNames?: string[] } };
  generationConfig?: {
    candidateCount?: number;
    responseMimeType?: string;
    responseJsonSchema?: Record<string, unknown>;
    responseSchema?: unknown;
    thinkingConfig?: { thinkingBudget?: number; thinkingLevel?: string; includeThoughts?: boolean };
  };
}

/** Gemini 3 and later (and unversioned test names) validate thought signatures. */
export function isGemini3(model: string): boolean {
  const major = /gemini-(\d+)/.exec(model)?.[1];
  return major === undefined || Number(major) >= 3;
}

function startsTurn(content: { role?: string; parts?: GeminiPart[] }): boolean {
  return content.role === 'user' && (content.parts ?? []).some((part) => !part.functionResponse);
}

/** Google's 400s for thinking settings the model's generation does not take. */
export function thinkingConfigProblem(model: string, body: GenerateBody): string | undefined {
  const thinking = body.generationConfig?.thinkingConfig;
  if (!thinking) return undefined;
  if (thinking.thinkingLevel !== undefined && thinking.thinkingBudget !== undefined)
    return 'You can only set one of thinking budget and thinking level.';
  if (thinking.thinkingLevel !== undefined && !isGemini3(model))
    return 'Thinking level is not supported for this model.';
  const level = thinking.thinkingLevel?.toUpperCase();
  if (level !== undefined && !['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'].includes(level))
    return `Invalid value at 'generation_config.thinking_config.thinking_level' (${thinking.thinkingLevel})`;
  return undefined;
}

/** The 400 the real API gives for inline data without a MIME type or bytes. */
export function findInvalidPart(body: GenerateBody): string | undefined {
  for (const content of body.contents ?? []) {
    for (const part of content.parts ?? []) {
      if (part.inlineData && !(part.inlineData.mimeType && part.inlineData.data))
        return 'inline_data requires mime_type and data';
    }
  }
  return undefined;
}

/**
 * Gemini 3 checks the current turn only (from the last user content that is not a function
 * response): each model step's first function call must carry the signature issued for it.
 */
export function signatureProblem(
  model: string,
  body: GenerateBody,
  signatures: FakeSignatureBook,
): string | undefined {
  if (!isGemini3(model)) return undefined;
  const contents = body.contents ?? [];
  let start = contents.length - 1;
  while (start >= 0 && !startsTurn(contents[start])) start -= 1;
  for (let index = start + 1; index < contents.length; index += 1) {
    const content = contents[index];
    if (content.role !== 'model') continue;
    const first = content.parts?.find((part) => part.functionCall);
    if (!first) continue;
    const signature = first.thoughtSignature;
    const name = first.functionCall?.name ?? '';
    if (!signature)
      return `Function call \`${name}\` in the ${index + 1}. content block is missing a \`thought_signature\`. Learn more: https://ai.google.dev/gemini-api/docs/thought-signatures`;
    const call = JSON.stringify({ name, args: first.functionCall?.args ?? {} });
    if (signature !== GEMINI_SKIP_SIGNATURE && !signatures.verify(signature, call))
      return `Corrupted thought signature in the ${index + 1}. content block.`;
  }
  return undefined;
}
