/** A deterministic unit vector from a string (FNV-1a seeded). */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index += 1)
    hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
  const vector = Array.from({ length: dimensions }, (_, index) => Math.sin(hash + index * 7919));
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

/** OpenAI's embeddings answer for a request, floats or base64 float32 as it asks. */
export function embeddingsResponse(
  body: { input: unknown; model: string; encoding_format?: string },
  dimensions: number,
) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const data = inputs.map((input, index) => {
    const vector = fakeEmbedding(JSON.stringify(input), dimensions);
    const embedding =
      body.encoding_format === 'base64'
        ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
        : vector;
    return { object: 'embedding', index, embedding };
  });
  const tokens = inputs
    .map((input) => JSON.stringify(input).split(/\s+/).length)
    .reduce((a, b) => a + b, 0);
  return {
    object: 'list',
    data,
    model: body.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
