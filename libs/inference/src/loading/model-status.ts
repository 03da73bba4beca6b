/** Where a lazily loaded model stands: what health checks and metrics report. */
export interface ModelStatus {
  /** "not_configured" | "not_loaded" | "loading" | "ready" | "failed" */
  state: 'not_configured' | 'not_loaded' | 'loading' | 'ready' | 'failed';
  model: string | null;
  loadTimeMs?: number;
  error?: string;
}
