import { randomUUID } from 'node:crypto';
import { ProviderError } from '@app/contracts';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@app/testing/redis/delete-keys-with-prefix';
import { Redis } from 'ioredis';
import { JobReplyReader, sendJobReply } from './job-reply-list';

// Runs against the real Redis on 127.0.0.1:6379, under a prefix of its own.
const prefix = `test-replies-${randomUUID().slice(0, 8)}`;
let redis: Redis;
let reader: JobReplyReader;

const inAMinute = () => Date.now() + 60_000;
const openSignal = () => new AbortController().signal;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
});
beforeEach(() => {
  reader = new JobReplyReader(redis, prefix);
});
afterEach(() => reader.close());
afterAll(async () => {
  await redis.quit();
  await deleteKeysWithPrefix(prefix);
});

describe('JobReplyReader', () => {
  it('hands each waiting job the outcome a worker pushed for it, whatever the order', async () => {
    const first = reader.expect<string>('job-1', inAMinute(), openSignal());
    const second = reader.expect<string>('job-2', inAMinute(), openSignal());
    await sendJobReply(redis, reader.key, { jobId: 'job-2', outcome: { ok: true, value: 'two' } });
    await sendJobReply(redis, reader.key, {
      jobId: 'job-1',
      outcome: { ok: false, error: { status: 400, message: 'bad' } },
    });
    await expect(second).resolves.toEqual({ ok: true, value: 'two' });
    await expect(first).resolves.toEqual({ ok: false, error: { status: 400, message: 'bad' } });
  });

  it('rejects with a timeout at the deadline, and ignores the reply that comes later', async () => {
    const late = reader.expect('job-late', Date.now() + 50, openSignal());
    await expect(late).rejects.toMatchObject({ kind: 'timeout' });
    await sendJobReply(redis, reader.key, { jobId: 'job-late', outcome: { ok: true, value: 1 } });
    const next = reader.expect('job-next', inAMinute(), openSignal());
    await sendJobReply(redis, reader.key, { jobId: 'job-next', outcome: { ok: true, value: 2 } });
    await expect(next).resolves.toEqual({ ok: true, value: 2 });
  });

  it('rejects as aborted as soon as the signal aborts, and keeps reading for other jobs', async () => {
    const controller = new AbortController();
    const abandoned = reader.expect('job-abandoned', inAMinute(), controller.signal);
    controller.abort();
    await expect(abandoned).rejects.toMatchObject({ kind: 'aborted' });
    const other = reader.expect('job-other', inAMinute(), openSignal());
    await sendJobReply(redis, reader.key, { jobId: 'job-other', outcome: { ok: true, value: 3 } });
    await expect(other).resolves.toEqual({ ok: true, value: 3 });
  });

  it('ends a wait with the failure BullMQ reported when no worker will reply', async () => {
    const failed = reader.expect('job-failed', inAMinute(), openSignal());
    reader.fail('job-failed', { status: 502, message: 'stalled', code: 'local_job_failed' });
    await expect(failed).resolves.toEqual({
      ok: false,
      error: { status: 502, message: 'stalled', code: 'local_job_failed' },
    });
  });

  it('rejects every pending wait when closed', async () => {
    const pending = reader.expect('job-pending', inAMinute(), openSignal());
    reader.close();
    await expect(pending).rejects.toBeInstanceOf(ProviderError);
  });

  it('lets unread replies expire instead of piling up for a gateway that is gone', async () => {
    await sendJobReply(redis, reader.key, { jobId: 'nobody', outcome: { ok: true, value: 0 } });
    expect(await redis.ttl(reader.key)).toBeGreaterThan(0);
  });
});
