/** Hooks the router calls so metrics and logs can watch traffic without living in the router. */
export type CallKind = 'chat' | 'stream' | 'embeddings' | 'count_tokens';

export interface AttemptRecord {
  provider: string;
  model: string;
  /** 'success', 'error' (the attempt failed) or 'skipped' (circuit open / unsupported). */
  outcome: 'success' | 'error' | 'skipped';
  reason?: string;
  status?: number;
  latencyMs: number;
}

export interface RouterObserver {
  attemptFinished?(kind: CallKind, record: AttemptRecord): void;
  fallback?(from: string, to: string): void;
  firstChunk?(provider: string, model: string, seconds: number): void;
}
