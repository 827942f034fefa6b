import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors';
import { localizedErrorMessage } from '../i18n/error-messages';
import { defaultLang, langFromHeader, type Lang } from '../i18n/lang';
import { schemaProblemMessage, type SchemaProblem } from '../i18n/validation-messages';

export interface ErrorBody {
  error: { code: string; message: string; rule?: string; details?: Record<string, unknown> };
}

const unstorable = { status: 400, code: 'VALIDATION_FAILED', message: 'a value contains a character that cannot be stored (such as \\u0000)', zh: '提交的内容含有无法保存的字符（例如 \\u0000）。' };
const pgClientErrors: Record<string, { status: number; code: string; message: string; zh: string }> = {
  '22P02': { status: 400, code: 'VALIDATION_FAILED', message: 'a value has the wrong format', zh: '有一项内容的格式不正确。' },
  '22003': { status: 400, code: 'VALIDATION_FAILED', message: 'a number is out of range', zh: '有一个数字超出了范围。' },
  '22001': { status: 400, code: 'VALIDATION_FAILED', message: 'a value is too long', zh: '有一项内容过长。' },
  // PostgreSQL text cannot hold a NUL character (\u0000): user input containing one is malformed, not a server fault.
  '22021': unstorable,
  '22P05': unstorable,
};

/** Stable codes for the 4xx that Fastify and its plugins raise themselves. */
const statusCodes: Record<number, string> = {
  400: 'BAD_REQUEST', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 406: 'NOT_ACCEPTABLE', 408: 'REQUEST_TIMEOUT', 413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED', 431: 'HEADERS_TOO_LARGE',
};
const frameworkCodes: Record<string, string> = { FST_ERR_BAD_URL: 'BAD_URL', FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG' };

/**
 * The one place errors become the API's error body (shared/API.md "Errors"), worded in the
 * reader's language (API.md "Language"): codes, rules and details stay the same in both.
 */
export function toErrorResponse(error: unknown, lang: Lang = defaultLang): { status: number; body: ErrorBody; log: boolean } {
  if (error instanceof AppError) {
    const problems = error.extra.details?.problems;
    const message = lang === 'zh' && error.zh ? error.zh
      : Array.isArray(problems) && error.code === 'VALIDATION_FAILED' ? schemaProblemMessage(lang, problems as SchemaProblem[])
        : localizedErrorMessage(lang, error.code, error.message, error.extra.details);
    return { status: error.status, body: { error: { code: error.code, message, ...error.extra } }, log: false };
  }
  const fastifyError = error as FastifyError & { validation?: SchemaProblem[]; validationContext?: string };
  if (fastifyError.validation) {
    const message = schemaProblemMessage(lang, fastifyError.validation, fastifyError.validationContext);
    return { status: 400, body: { error: { code: 'VALIDATION_FAILED', message, details: { problems: fastifyError.validation } } }, log: false };
  }
  const pg = pgClientErrors[(error as { code?: string }).code ?? ''];
  if (pg) return { status: pg.status, body: { error: { code: pg.code, message: lang === 'zh' ? pg.zh : pg.message } }, log: false };
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    const code = frameworkCodes[fastifyError.code] ?? statusCodes[status] ?? 'BAD_REQUEST';
    return { status, body: { error: { code, message: localizedErrorMessage(lang, code, fastifyError.message) } }, log: false };
  }
  const message = 'something went wrong on our side; it has been logged';
  return { status: 500, body: { error: { code: 'INTERNAL', message: localizedErrorMessage(lang, 'INTERNAL', message) } }, log: true };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body, log } = toErrorResponse(error, langFromHeader(request.headers['accept-language']));
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
