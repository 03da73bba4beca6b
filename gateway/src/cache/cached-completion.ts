import type { ChatCompletion } from '@app/contracts';

/** One cached answer; serves both non-stream requests and (replayed) streams. */
export interface CachedCompletion {
  completion: ChatCompletion;
  provider: string;
  model: string;
}
