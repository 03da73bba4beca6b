export interface EmbeddingsRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  user?: string;
  /** Gateway-only: pin one provider. */
  provider?: string;
}

export interface Embedding {
  object: 'embedding';
  index: number;
  embedding: number[] | string;
}

export interface EmbeddingsResponse {
  object: 'list';
  data: Embedding[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** What providers return to the gateway: raw vectors; the gateway encodes float or base64. */
export interface EmbeddingsResult {
  model: string;
  vectors: Float32Array[] | number[][];
  promptTokens: number;
}

export interface ModelCard {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}
