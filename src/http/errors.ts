import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors';

export interface ErrorBody {
  error: { code: string; message: string; rule?: string; details?: Record<string, unknown> };
}

const pgClientErrors: Record<string, { status: number; code: string; message: string }> = {
  '22P02': { status: 400, code: 'VALIDATION_FAILED', message: 'a value has the wrong format' },
  '22003': { status: 400, code: 'VALIDATION_FAILED', message: 'a number is out of range' },
  '22001': { status: 400, code: 'VALIDATION_FAILED', message: 'a value is too long' },
  // PostgreSQL text cannot hold a NUL character (\u0000): user input containing one is malformed, not a server fault.
  '22021': { status: 400, code: 'VALIDATION_FAILED', message: 'a value contains a character that cannot be stored (such as \\u0000)' },
  '22P05': { status: 400, code: 'VALIDATION_FAILED', message: 'a value contains a character that cannot be stored (such as \\u0000)' },
};

/** The one place errors become the API's error body (shared/API.md "Errors"). */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody; log: boolean } {
  if (error instanceof AppError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message, ...error.extra } }, log: false };
  }
  const fastifyError = error as FastifyError & { validation?: unknown[] };
  if (fastifyError.validation) {
    return { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: fastifyError.message, details: { problems: fastifyError.validation } } }, log: false };
  }
  const pg = pgClientErrors[(error as { code?: string }).code ?? ''];
  if (pg) return { status: pg.status, body: { error: { code: pg.code, message: pg.message } }, log: false };
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status === 429 ? 'RATE_LIMITED' : 'BAD_REQUEST';
    return { status, body: { error: { code, message: fastifyError.message } }, log: false };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'something went wrong on our side; it has been logged' } }, log: true };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body, log } = toErrorResponse(error);
  if (log) request.log.error({ err: error }, 'unhandled error');
  void reply.status(status).send(body);
}
