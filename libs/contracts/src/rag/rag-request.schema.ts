import { z } from 'zod';
import { REQUEST_LIMITS } from '../openai/request-limits';

/**
 * Shapes of the RAG request bodies, the same on the gateway and on the worker's own port. Types and
 * ranges fail here with an OpenAI-style 400 naming the parameter (`documents[0].content`, `top_k`,
 * `filter.year`…) before any model loads; `RagService` checks the rest (collection names, chunk
 * sizes, document size and count limits, duplicate ids).
 */
const nonEmptyString = z
  .string()
  .refine((value) => value.trim() !== '', { message: 'must be a non-empty string' });
const collection = z.string().optional();
const topK = z.number().int().min(1).max(100).optional();
const filter = z
  .record(z.string(), z.union([z.string(), z.number().finite(), z.boolean()]))
  .optional();
const minScore = z.number().min(-1).max(1).optional();

export const ragIndexSchema = z.strictObject({
  collection,
  documents: z
    .array(
      z.strictObject({
        id: z.string().optional(),
        content: nonEmptyString,
        metadata: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .min(1, { message: 'must contain at least one document' }),
  chunk_size: z.number().int().optional(),
  chunk_overlap: z.number().int().optional(),
});

export const ragSearchSchema = z.strictObject({
  collection,
  query: nonEmptyString,
  top_k: topK,
  filter,
  min_score: minScore,
});

export const ragQuerySchema = z.strictObject({
  collection,
  query: nonEmptyString,
  top_k: topK,
  filter,
  min_score: minScore,
  /** Routed like `/v1/chat/completions` (aliases, fallback chains, failover). */
  model: z.string().min(1).max(REQUEST_LIMITS.maxModelNameLength).default('default'),
  stream: z.boolean().optional(),
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
});

export type RagIndexBody = z.infer<typeof ragIndexSchema>;
export type RagSearchBody = z.infer<typeof ragSearchSchema>;
export type RagQueryBody = z.infer<typeof ragQuerySchema>;
