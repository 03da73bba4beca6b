import { GatewayError, type ProviderError } from '@app/contracts';

/** A 400/404/413/422 from a provider: the request itself is wrong, so the client sees it as is. */
export function providerClientError(provider: string, error: ProviderError): GatewayError {
  const body = error.body as { message?: unknown; param?: unknown; type?: unknown } | undefined;
  const message =
    typeof body?.message === 'string'
      ? body.message
      : `Provider '${provider}' rejected the request`;
  const param = typeof body?.param === 'string' ? body.param : null;
  const status = error.status ?? 400;
  return new GatewayError(
    status,
    message,
    status === 404 ? 'not_found_error' : 'invalid_request_error',
    error.code ?? null,
    param,
  );
}
