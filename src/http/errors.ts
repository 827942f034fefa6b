import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
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

/** Stable codes for the 4xx that Fastify and its plugins raise themselves. */
const statusCodes: Record<number, string> = {
  400: 'BAD_REQUEST', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 406: 'NOT_ACCEPTABLE', 408: 'REQUEST_TIMEOUT', 413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED', 431: 'HEADERS_TOO_LARGE',
};
const frameworkCodes: Record<string, string> = { FST_ERR_BAD_URL: 'BAD_URL', FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG' };

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
    const code = frameworkCodes[fastifyError.code] ?? statusCodes[status] ?? 'BAD_REQUEST';
    return { status, body: { error: { code, message: fastifyError.message } }, log: false };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'something went wrong on our side; it has been logged' } }, log: true };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body, log } = toErrorResponse(error);
  if (log) request.log.error({ err: error }, 'unhandled error');
  void reply.status(status).send(body);
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers over the size limit, a
 * request line that is not HTTP, a client too slow to send its headers): answered on the socket
 * with the same error body, instead of Fastify's default `{ error, message, statusCode }`.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = error.code === 'HPE_HEADER_OVERFLOW'
    ? [431, 'HEADERS_TOO_LARGE', 'the request line and headers exceed the size limit']
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'REQUEST_TIMEOUT', 'the request took too long to arrive']
      : [400, 'BAD_REQUEST', 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
