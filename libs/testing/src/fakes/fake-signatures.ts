import { createHmac, randomBytes } from 'node:crypto';

/**
 * Opaque signatures as providers issue them (Gemini `thoughtSignature`, Claude thinking
 * `signature`): base64 bytes the client must send back unchanged. The fake remembers what it
 * issued and for which content, so a signature that was dropped, altered or moved to other
 * content is refused, as the real APIs refuse it.
 */
export class FakeSignatureBook {
  private readonly key = randomBytes(16);
  private readonly issued = new Map<string, string>();

  /** A signature over `content` (Gemini: the call; Claude: the thinking text). */
  issue(content: string): string {
    // Longer than an OpenAI id limit on purpose: real signatures run to hundreds of bytes.
    const signature = Buffer.concat([
      createHmac('sha256', this.key).update(content).digest(),
      randomBytes(48),
    ]).toString('base64');
    this.issued.set(signature, content);
    return signature;
  }

  /** True when this fake issued `signature`, for exactly `content` when that is given. */
  verify(signature: string, content?: string): boolean {
    const signed = this.issued.get(signature);
    return signed !== undefined && (content === undefined || signed === content);
  }
}
