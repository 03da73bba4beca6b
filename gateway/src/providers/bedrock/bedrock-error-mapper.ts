import { ProviderError } from '@app/contracts';
import {
  abortedError,
  connectionError,
  httpProviderError,
  invalidResponseError,
} from '../shared/upstream-error';
import type { AbortState } from '../shared/transport-error';

/**
 * Bedrock Runtime exception names → the HTTP status the router reasons about. Names win over the
 * transport status because exceptions inside an event stream arrive with no status at all.
 */
export const BEDROCK_ERROR_STATUS: Readonly<Record<string, number>> = {
  ValidationException: 400,
  ServiceQuotaExceededException: 400,
  AccessDeniedException: 403,
  UnrecognizedClientException: 403,
  ExpiredTokenException: 403,
  ResourceNotFoundException: 404,
  ModelTimeoutException: 408,
  ConflictException: 409,
  ModelErrorException: 424,
  ThrottlingException: 429,
  InternalServerException: 500,
  ModelStreamErrorException: 502,
  ServiceUnavailableException: 503,
  ModelNotReadyException: 503,
};

interface AwsServiceError {
  name: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

/** Every failure of `@aws-sdk/client-bedrock-runtime` → ProviderError; the router reads only the mapped fields. */
export function toBedrockProviderError(error: unknown, abort?: AbortState): ProviderError {
  if (error instanceof ProviderError) return error;
  if (abort?.aborted) return abortedError(abort);
  if ((error as { name?: string } | undefined)?.name === 'AbortError')
    return new ProviderError('request aborted', { kind: 'aborted' });
  const connection = connectionError(error) ?? wrappedConnectionError(error);
  if (connection) return connection;
  if ((error as { name?: string } | undefined)?.name === 'CredentialsProviderError') {
    // No AWS credentials in the standard chain: a misconfiguration the operator must see by name;
    // treated like an upstream 401 (fall back, do not retry).
    return new ProviderError('no AWS credentials found', {
      kind: 'http',
      status: 401,
      retryable: false,
      code: 'aws_credentials_missing',
    });
  }
  if ((error as { name?: string } | undefined)?.name === 'TimeoutError')
    return new ProviderError('upstream timed out', { kind: 'timeout' });
  if (isServiceError(error)) return fromServiceError(error);
  return invalidResponseError(error);
}

/**
 * The SDK's retry layer wraps errors that fail `instanceof Error` (e.g. node errors from another
 * realm, as under jest) into a plain Error whose only trace of the socket code is the message.
 */
function wrappedConnectionError(error: unknown): ProviderError | undefined {
  const message = error instanceof Error ? error.message : '';
  if (!message.startsWith('AWS SDK error wrapper for ')) return undefined;
  const code =
    /\b(ECONN[A-Z]+|EPIPE|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/.exec(
      message,
    )?.[1];
  if (code || /socket hang up/i.test(message))
    return new ProviderError('upstream connection failed', { kind: 'connection', code });
  return undefined;
}

function isServiceError(error: unknown): error is AwsServiceError {
  const candidate = error as AwsServiceError | undefined;
  return (
    typeof candidate?.name === 'string' &&
    (candidate.$fault !== undefined ||
      candidate.$metadata?.httpStatusCode !== undefined ||
      candidate.name in BEDROCK_ERROR_STATUS)
  );
}

function fromServiceError(error: AwsServiceError): ProviderError {
  const status =
    BEDROCK_ERROR_STATUS[error.name] ??
    error.$metadata?.httpStatusCode ??
    error.$response?.statusCode ??
    (error.$fault === 'client' ? 400 : 500);
  const headers = error.$response?.headers ?? {};
  return httpProviderError({
    status,
    code: error.name,
    // Bedrock's envelope is `{"message": …}` with the exception name in `x-amzn-errortype`.
    message: error.message,
    headers: { get: (name) => headerValue(headers, name) },
  });
}

function headerValue(headers: Record<string, string | undefined>, name: string): string | null {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers))
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  return null;
}
