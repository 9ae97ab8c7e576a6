import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, type DomainErrorCode } from './domain-error.js';

const STATUS_BY_CODE: Record<DomainErrorCode, number> = {
  not_found: HttpStatus.NOT_FOUND,
  invalid: HttpStatus.BAD_REQUEST,
  conflict: HttpStatus.CONFLICT,
  unauthorized: HttpStatus.UNAUTHORIZED,
  payload_too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  unsupported_media_type: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  upstream: HttpStatus.BAD_GATEWAY,
};

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** One error shape for every route: {"statusCode","error","message"} (docs/api.md § Conventions). */
@Catch()
export class AllErrorsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    sendError(host.switchToHttp().getResponse<FastifyReply>(), exception);
  }
}

const logger = new Logger('Errors');

/**
 * Answers `exception` in the one error shape. AllErrorsFilter uses it for Nest's routes, and plain
 * Fastify routes (webhooks/webhook-route.ts) as their error handler, so both answer alike.
 */
export function sendError(reply: FastifyReply, exception: unknown): void {
  const { statusCode, body } = errorAnswer(exception);
  void reply.status(statusCode).header('content-type', ERROR_CONTENT_TYPE).send(body);
}

export const ERROR_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The status and body of the one error shape for `exception` (sendError; the webhook fast path writes it itself). */
export function errorAnswer(exception: unknown): { statusCode: number; body: Record<string, unknown> } {
  let statusCode = 500;
  let message: unknown = 'Internal server error';
  let extra: Record<string, unknown> | undefined;

  if (exception instanceof DomainError) {
    statusCode = STATUS_BY_CODE[exception.code];
    message = exception.message;
    extra = exception.details;
  } else if (exception instanceof HttpException) {
    statusCode = exception.getStatus();
    const body = exception.getResponse();
    message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
  } else if (isFastifyError(exception)) {
    statusCode = exception.statusCode;
    message = exception.message;
  } else {
    logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  }
  if (Array.isArray(message)) message = message.join('; ');
  return { statusCode, body: { statusCode, error: REASON[statusCode] ?? 'Error', message, ...extra } };
}

function isFastifyError(error: unknown): error is { statusCode: number; message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { statusCode?: unknown }).statusCode === 'number' &&
    (error as { statusCode: number }).statusCode >= 400 &&
    (error as { statusCode: number }).statusCode < 500
  );
}
