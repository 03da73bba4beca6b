import type { TokenCounterStore } from './token-counter-store';

/** In process memory (no REDIS_URL). Minutes before the previous one are swept as time moves on. */
export class MemoryTokenCounterStore implements TokenCounterStore {
  /** `subject|minute` → tokens */
  private readonly tokens = new Map<string, number>();
  private latestMinute = 0;

  async add(subject: string, minute: number, tokens: number): Promise<number> {
    this.sweep(minute);
    const key = `${subject}|${minute}`;
    const total = (this.tokens.get(key) ?? 0) + tokens;
    this.tokens.set(key, total);
    return total;
  }

  async read(subject: string, minute: number): Promise<number> {
    return this.tokens.get(`${subject}|${minute}`) ?? 0;
  }

  async reset(subject: string, minute: number): Promise<void> {
    this.tokens.delete(`${subject}|${minute}`);
  }

  private sweep(minute: number): void {
    if (minute <= this.latestMinute) return;
    this.latestMinute = minute;
    for (const key of this.tokens.keys()) {
      if (Number(key.slice(key.lastIndexOf('|') + 1)) < minute - 1) this.tokens.delete(key);
    }
  }
}
