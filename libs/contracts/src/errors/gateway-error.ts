import { echoed } from '../openai/request-limits';

/**
 * The one error shape every endpoint answers with, OpenAI's:
 * `{"error": {"message", "type", "param", "code"}}`. Domain code throws `GatewayError`; one
 * exception filter turns it (and anything else) into this body with the right status.
 */
export type GatewayErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'server_error'
  | 'api_error'
  | 'service_unavailable'
  | 'timeout_error';

export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
    [extra: string]: unknown;
  };
}

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: GatewayErrorType,
    readonly code: string | null = null,
    readonly param: string | null = null,
    /** Extra fields placed inside `error` (e.g. the list of failed attempts). */
    readonly details: Record<string, unknown> = {},
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  toBody(): OpenAIErrorBody {
    return {
      error: {
        message: this.message,
        type: this.type,
        param: this.param,
        code: this.code,
        ...this.details,
      },
    };
  }

  static invalidRequest(message: string, param: string | null = null, code: string | null = null) {
    return new GatewayError(400, message, 'invalid_request_error', code, param);
  }

  static unsupportedField(provider: string, field: string) {
    return new GatewayError(
      400,
      `Field '${echoed(field)}' is not supported by provider '${provider}'`,
      'invalid_request_error',
      'unsupported_parameter',
      field,
    );
  }

  static modelNotFound(model: string) {
    return new GatewayError(
      404,
      `The model '${echoed(model)}' does not exist or no route serves it`,
      'invalid_request_error',
      'model_not_found',
      'model',
    );
  }
}
