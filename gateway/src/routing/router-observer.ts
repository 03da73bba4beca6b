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
  /** The attempt's span, for log lines (absent when tracing is off). */
  traceId?: string;
  spanId?: string;
}

export interface RouterObserver {
  attemptFinished?(kind: CallKind, record: AttemptRecord): void;
  fallback?(from: string, to: string): void;
  firstChunk?(provider: string, model: string, seconds: number): void;
}
