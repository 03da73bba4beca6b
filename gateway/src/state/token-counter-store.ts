/**
 * Tokens used per subject (tenant id, 'admin' or 'anonymous') per epoch minute, for
 * tokens-per-minute limits: hot and disposable (losing them forgives at most a minute's tokens),
 * shared by every replica through Redis. Memory and Redis pass one conformance suite.
 */
export interface TokenCounterStore {
  /** Adds atomically and answers the new total; counters of past minutes expire by themselves. */
  add(subject: string, minute: number, tokens: number): Promise<number>;
  read(subject: string, minute: number): Promise<number>;
  /** Forgets the tokens counted in the given minute (admin reset). */
  reset(subject: string, minute: number): Promise<void>;
  /** Sends what a buffering store holds (at shutdown); stores that buffer nothing omit it. */
  flush?(): Promise<void>;
}
