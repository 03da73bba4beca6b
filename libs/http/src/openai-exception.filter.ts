import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import { errorCodes, type FastifyReply } from 'fastify';
import { GatewayError, type OpenAIErrorBody } from '@app/contracts';
import type { Logger } from 'pino';
import { errorRendererFor } from './error-dialects';

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'insufficient_quota',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'invalid_request_error',
  414: 'invalid_request_error',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** Fastify's own errors (body parsing, size limit) by code → OpenAI error codes. */
const FASTIFY_CODES: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'invalid_json',
    message: 'We could not parse the JSON body of your request',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'invalid_json',
    message: 'The request body is empty; a JSON object was expected',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'request_too_large',
    message: 'The request body is larger than MAX_BODY_BYTES allows',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'Send the body as application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid_content_length',
    message: 'Content-Length does not match the body',
  },
  FST_ERR_BAD_URL: {
    status: 400,
    code: 'invalid_url',
    message: 'The request URL is not valid (bad percent-encoding?)',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'uri_too_long',
    message: 'A path parameter is longer than the server accepts',
  },
};

/**
 * Nest hands Fastify's own errors (body parsing, media type) to the filters as an HttpException
 * holding only their message and status: Fastify's messages are fixed text, so they name the code.
 */
const FASTIFY_CODE_BY_MESSAGE = new Map(
  Object.keys(FASTIFY_CODES)
    .filter((code) => code.startsWith('FST_ERR_CTP_') && code in errorCodes)
    .map((code) => {
      const FastifyErrorClass = errorCodes[code as keyof typeof errorCodes] as new () => Error;
      return [new FastifyErrorClass().message, code] as const;
    }),
);

/** Longest message text copied from an error the gateway did not write (it may echo the URL). */
const MAX_FOREIGN_MESSAGE_LENGTH = 160;

function shortened(message: string): string {
  return message.length <= MAX_FOREIGN_MESSAGE_LENGTH
    ? message
    : `${message.slice(0, MAX_FOREIGN_MESSAGE_LENGTH)}…`;
}

/** Maps anything thrown to OpenAI's error shape. Never leaks stack traces, keys or prompts. */
export function toErrorResponse(error: unknown): {
  status: number;
  body: OpenAIErrorBody;
  headers: Record<string, string>;
} {
  if (error instanceof GatewayError)
    return { status: error.status, body: error.toBody(), headers: error.headers };
  const fastifyCode = (error as { code?: unknown })?.code;
  if (typeof fastifyCode === 'string' && FASTIFY_CODES[fastifyCode]) {
    const known = FASTIFY_CODES[fastifyCode];
    const type = TYPE_BY_STATUS[known.status] ?? 'invalid_request_error';
    return {
      status: known.status,
      body: { error: { message: known.message, type, param: null, code: known.code } },
      headers: {},
    };
  }
  if (error instanceof SyntaxError) {
    return {
      status: 400,
      body: {
        error: {
          message: 'We could not parse the JSON body of your request',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_json',
        },
      },
      headers: {},
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const type =
      TYPE_BY_STATUS[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
    // Nest wraps Fastify's body-parser failures in HttpExceptions: keep OpenAI's codes for them.
    const wrapped = FASTIFY_CODE_BY_MESSAGE.get(error.message);
    if (wrapped) return toErrorResponse({ code: wrapped });
    if (status === 413) return toErrorResponse({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    const code = status === 404 ? 'not_found' : status === 429 ? 'rate_limit_exceeded' : null;
    return {
      status,
      body: { error: { message: shortened(error.message), type, param: null, code } },
      headers: {},
    };
  }
  const statusCode = (error as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const type = TYPE_BY_STATUS[statusCode] ?? 'invalid_request_error';
    return {
      status: statusCode,
      body: { error: { message: 'Invalid request', type, param: null, code: null } },
      headers: {},
    };
  }
  return {
    status: 500,
    body: {
      error: {
        message: 'Internal gateway error',
        type: 'server_error',
        param: null,
        code: 'internal_error',
      },
    },
    headers: {},
  };
}

/**
 * Answers `error` on `reply`: OpenAI's shape, or the shape of the dialect the request's route
 * speaks (see `error-dialects.ts`).
 */
export function sendError(reply: FastifyReply, error: unknown, logger?: Logger): void {
  const openai = toErrorResponse(error);
  const render = errorRendererFor(reply.request);
  const { status, body, headers } = render ? render(openai) : openai;
  if (status >= 500 && !(error instanceof GatewayError)) {
    logger?.error(
      { err: { message: (error as Error)?.message, name: (error as Error)?.name } },
      'unhandled error',
    );
  }
  if (reply.sent || reply.raw.headersSent) return;
  reply.status(status).headers(headers).send(body);
}

@Catch()
export class OpenAIExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger?: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    sendError(host.switchToHttp().getResponse<FastifyReply>(), error, this.logger);
  }
}
