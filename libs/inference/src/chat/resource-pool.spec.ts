import { ResourcePool } from './resource-pool';

describe('ResourcePool', () => {
  it('hands out idle items, then makes callers wait in arrival order', async () => {
    const pool = new ResourcePool(['only']);
    const first = await pool.acquire();
    const order: string[] = [];
    const second = pool.acquire().then((item) => order.push(`second:${item}`));
    const third = pool.acquire().then((item) => order.push(`third:${item}`));
    expect(pool.waiting).toBe(2);
    pool.release(first);
    await second;
    pool.release('only');
    await third;
    expect(order).toEqual(['second:only', 'third:only']);
  });

  it('stops waiting when the signal aborts, without losing the item', async () => {
    const pool = new ResourcePool(['only']);
    const item = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow('client went away');
    expect(pool.waiting).toBe(0);
    pool.release(item);
    await expect(pool.acquire()).resolves.toBe('only');
  });

  it('fails every waiter on rejectWaiting', async () => {
    const pool = new ResourcePool<string>([]);
    const waiting = pool.acquire();
    pool.rejectWaiting(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
  });
});
