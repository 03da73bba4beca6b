import type { RagConfig } from '@app/config';
import { RagService, type RagServiceOptions } from '@app/inference/rag/rag-service';
import { HashingEmbedder } from './hashing-embedder';

/** FOR TESTS: a small RagConfig so limits are easy to hit. */
export const TEST_RAG_CONFIG: RagConfig = {
  maxDocumentBytes: 20_000,
  maxDocumentsPerRequest: 20,
  chunkSize: 64,
  chunkOverlap: 8,
  efSearch: 64,
  defaultCollection: 'default',
};

export function makeRagService(
  dataDir: string,
  overrides: Partial<RagServiceOptions> = {},
): RagService {
  return new RagService({
    dataDir,
    embedder: new HashingEmbedder(),
    config: TEST_RAG_CONFIG,
    ...overrides,
  });
}

/** Distinct topics so the hashing embedder ranks the right document first. */
export const TOPIC_DOCUMENTS = [
  {
    id: 'cats',
    content: 'Cats purr and chase mice. A cat sleeps most of the day.',
    metadata: { kind: 'animal', legs: 4 },
  },
  {
    id: 'rust',
    content: 'Rust has ownership and borrowing. The borrow checker prevents data races.',
    metadata: { kind: 'code', legs: 0 },
  },
  {
    id: 'bread',
    content: 'Bread needs flour, water, yeast and salt. Knead the dough and let it rise.',
    metadata: { kind: 'food', vegan: true },
  },
];
