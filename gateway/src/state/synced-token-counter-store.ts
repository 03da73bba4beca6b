import type { Logger } from 'pino';
import type { TokenCounterStore } from './token-counter-store';

/** What this replica knows of one counter (one subject, one minute). */
interface Counter {
  subject: string;
  minute: number;
  /** The shared total as last read (or as answered by the last add sent). */
  shared: number;
  /** When `shared` was asked for (Date.now()); 0 = never. */
  readAt: number;
  reading: Promise<void> | undefined;
  /** Tokens counted here and not sent yet. */
  unsent: number;
  /** Tokens sent and not answered yet. */
  sending: number;
}

/**
 * Tokens per minute in the Redis topology, at about one Redis round trip per counter every
 * `syncMs` instead of two per request (a GET before the call, an INCRBY after it: with the
 * request-limit script, three round trips per request; the Redis topology ran at 78% of the
 * embedded one's throughput in `bench:overhead`).
 *
 * Tokens counted here go out in one INCRBY per counter at most `syncMs` after the first of them,
 * and its answer (the new shared total) refreshes what this replica knows. A read is answered
 * from the shared total known for at most `syncMs` (else read first) plus this replica's tokens
 * not yet in it: a replica sees its own tokens at once and the others' within ~2 × `syncMs`. A
 * tokens-per-minute limit is approximate anyway (tokens are known only after the call, so calls
 * in flight always overshoot it). A send that fails is dropped with one warning, as a failed
 * INCRBY was; a failed read rejects as before (the quota check fails open or closed per
 * RATE_LIMIT_FAIL_MODE). TOKEN_COUNTER_SYNC_MS=0 does without this layer.
 */
export class SyncedTokenCounterStore implements TokenCounterStore {
  private readonly counters = new Map<string, Counter>();
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private prunedMinute = 0;

  constructor(
    private readonly shared: TokenCounterStore,
    private readonly syncMs: number,
    private readonly logger?: Logger,
    /** The clock that ages what was read (a test's own, so a slow host cannot age it). */
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts at once; answers this replica's view of the total. */
  add(subject: string, minute: number, tokens: number): Promise<number> {
    const counter = this.counterOf(subject, minute);
    counter.unsent += tokens;
    this.timer ??= setTimeout(() => void this.send(), this.syncMs).unref();
    return Promise.resolve(totalOf(counter));
  }

  async read(subject: string, minute: number): Promise<number> {
    const counter = this.counterOf(subject, minute);
    if (this.now() - counter.readAt >= this.syncMs) {
      counter.reading ??= this.readShared(counter);
      await counter.reading;
    }
    return totalOf(counter);
  }

  async reset(subject: string, minute: number): Promise<void> {
    this.counters.delete(keyOf(subject, minute));
    await this.shared.reset(subject, minute);
  }

  /** Sends what is unsent now (at shutdown); resolves once it is sent or has failed. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    await Promise.all([this.sending, this.send()]);
  }

  private counterOf(subject: string, minute: number): Counter {
    const key = keyOf(subject, minute);
    let counter = this.counters.get(key);
    if (!counter) {
      this.prune(minute);
      counter = {
        subject,
        minute,
        shared: 0,
        readAt: 0,
        reading: undefined,
        unsent: 0,
        sending: 0,
      };
      this.counters.set(key, counter);
    }
    return counter;
  }

  private async readShared(counter: Counter): Promise<void> {
    const asked = this.now();
    try {
      counter.shared = await this.shared.read(counter.subject, counter.minute);
      counter.readAt = asked;
    } finally {
      counter.reading = undefined;
    }
  }

  private send(): Promise<void> {
    this.timer = undefined;
    const sends: Promise<void>[] = [];
    for (const counter of this.counters.values()) {
      if (counter.unsent === 0) continue;
      const tokens = counter.unsent;
      counter.unsent = 0;
      counter.sending += tokens;
      const asked = this.now();
      sends.push(
        this.shared.add(counter.subject, counter.minute, tokens).then(
          (total) => {
            counter.sending -= tokens;
            counter.shared = total;
            counter.readAt = asked;
          },
          (error: unknown) => {
            counter.sending -= tokens;
            throw error;
          },
        ),
      );
    }
    if (sends.length === 0) return Promise.resolve();
    this.sending = Promise.all(sends).then(
      () => undefined,
      (error: unknown) =>
        this.logger?.warn(
          { err: { message: (error as Error)?.message } },
          'tokens-per-minute counters not updated',
        ),
    );
    return this.sending;
  }

  /** Forgets counters of minutes before the previous one once all their tokens are sent. */
  private prune(minute: number): void {
    if (minute <= this.prunedMinute) return;
    this.prunedMinute = minute;
    for (const [key, counter] of this.counters) {
      const done = counter.unsent === 0 && counter.sending === 0 && !counter.reading;
      if (done && counter.minute < minute - 1) this.counters.delete(key);
    }
  }
}

function totalOf(counter: Counter): number {
  return counter.shared + counter.sending + counter.unsent;
}

function keyOf(subject: string, minute: number): string {
  return `${minute}\u0000${subject}`;
}
