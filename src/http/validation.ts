import type { FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors';

const depthMax = 32;

/** The path of the first number that is not finite (Infinity, -Infinity, NaN) in a validated value, or null. */
export function nonFinitePath(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path || '/';
  if (value === null || typeof value !== 'object' || depth > depthMax || Buffer.isBuffer(value)) return null;
  for (const [key, item] of Object.entries(value)) {
    const found = nonFinitePath(item, `${path}/${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * ajv's type coercion (coerceTypes) turns the strings "Infinity", "-Infinity" and "1e400" into
 * non-finite numbers after its own finiteness check, and its minimum/maximum checks skip
 * non-finite numbers, so such a value passes every Integer and Number schema. Runs after
 * validation and refuses them for every route, the way a schema error is refused.
 */
export async function rejectNonFiniteNumbers(request: FastifyRequest): Promise<void> {
  for (const [part, value] of [['body', request.body], ['querystring', request.query], ['params', request.params]] as const) {
    const path = nonFinitePath(value);
    if (!path) continue;
    const message = `${part}${path} must be a finite number`;
    throw new AppError('VALIDATION_FAILED', 400, message, { details: { problems: [{ instancePath: path, keyword: 'finite', message: 'must be a finite number' }] } });
  }
}
