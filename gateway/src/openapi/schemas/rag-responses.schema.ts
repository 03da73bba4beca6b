import { z } from 'zod';
import { usageSchema } from './openai-responses.schema';

const metadata = z.record(z.string(), z.unknown());

export const ragIndexResponseSchema = z.object({
  collection: z.string(),
  documents: z.array(z.object({ id: z.string(), chunks: z.array(z.string()) })),
  chunks_indexed: z.number().int(),
});

export const ragSearchResponseSchema = z.object({
  object: z.literal('list'),
  collection: z.string(),
  results: z.array(
    z.object({
      id: z.string().describe('chunk id: `<document id>#<n>`'),
      document_id: z.string(),
      score: z.number().describe('cosine similarity, higher is closer'),
      content: z.string(),
      metadata,
    }),
  ),
});

const ragSourceSchema = z.looseObject({
  marker: z.string().describe('"[1]", "[2]"… as cited in the answer'),
  id: z.string(),
  document_id: z.string(),
  score: z.number(),
  excerpt: z.string(),
});

export const ragAnswerSchema = z
  .looseObject({
    object: z.literal('rag.answer'),
    collection: z.string(),
    answer: z.string(),
    sources: z.array(ragSourceSchema),
    usage: usageSchema.optional(),
    model: z.string(),
    provider: z.string(),
  })
  .describe(
    'With `stream: true`: SSE, first `{"object":"rag.sources",…}`, then chat.completion.chunk events, then `data: [DONE]`',
  );

export const ragStatsSchema = z.object({
  object: z.literal('rag.stats'),
  collections: z.array(
    z.object({
      name: z.string(),
      documents: z.number().int(),
      chunks: z.number().int(),
      dimensions: z.number().int(),
      index: z.looseObject({ type: z.string(), efSearch: z.number().int() }),
      bytes_on_disk: z.number().int(),
      embedding_model: z.string(),
    }),
  ),
});

export const ragDocumentDeletedSchema = z.object({
  collection: z.string(),
  id: z.string(),
  deleted: z.literal(true),
  chunks_deleted: z.number().int(),
});

export const ragCollectionDeletedSchema = z.object({
  name: z.string(),
  deleted: z.literal(true),
});
