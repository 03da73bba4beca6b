import {
  GatewayError,
  type LocalJobOutcome,
  type LocalRagJob,
  type LocalRagResult,
} from '@app/contracts';
import { CANCELLED_STATUS, isRequestFault, toLocalJobError } from '@app/inference/dispatch';
import type { RagIndexRequest, RagSearchRequest, RagService } from '@app/inference/rag';
import type { Job } from 'bullmq';

/** Runs one `local-rag` job against the worker's `RagService`. */
export async function runRagJob(
  rag: RagService,
  data: LocalRagJob,
  signal?: AbortSignal,
): Promise<LocalRagResult> {
  const payload = data.payload;
  switch (data.operation) {
    case 'index':
      return rag.index(payload as unknown as RagIndexRequest, signal);
    case 'search':
      return rag.search(payload as unknown as RagSearchRequest, signal);
    case 'delete_document':
      return rag.deleteDocument(payload.id as string, payload.collection as string | undefined);
    case 'delete_collection':
      return rag.deleteCollection(payload.name as string);
    case 'stats':
      return rag.stats();
    default:
      throw GatewayError.invalidRequest(
        `Unknown RAG operation '${String(data.operation)}'`,
        'operation',
      );
  }
}

/**
 * The BullMQ processor: request faults (400 / 404 / 413, an expired deadline) end the job with
 * `ok: false` and no retry; anything else is thrown so BullMQ retries it (WORKER_JOB_ATTEMPTS).
 */
export function ragJobProcessor(rag: () => RagService) {
  return async (
    job: Job<LocalRagJob>,
    _token?: string,
    signal?: AbortSignal,
  ): Promise<LocalJobOutcome<LocalRagResult>> => {
    if (Date.now() > job.data.deadline) {
      return {
        ok: false,
        error: {
          status: 504,
          message: 'the gateway stopped waiting before a worker started the job',
          code: 'job_expired',
        },
      };
    }
    try {
      return { ok: true, value: await runRagJob(rag(), job.data, signal) };
    } catch (error) {
      if (signal?.aborted)
        return {
          ok: false,
          error: { status: CANCELLED_STATUS, message: 'the job was cancelled', code: 'cancelled' },
        };
      const jobError = toLocalJobError(error);
      if (isRequestFault(jobError)) return { ok: false, error: jobError };
      throw error;
    }
  };
}
