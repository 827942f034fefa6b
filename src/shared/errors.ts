import type { RuleId } from '../rules/defaults';

/** Expected failures. One place (http/errors.ts) maps them to the API's error body. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503,
    message: string,
    readonly extra: { rule?: string; details?: Record<string, unknown> } = {},
    /** The Chinese wording, when the code's catalog entry (i18n/error-messages.ts) is too general for this case. */
    readonly zh?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string, code = `${what.toUpperCase()}_NOT_FOUND`) =>
  new AppError(code, 404, `${what.replace(/_/g, ' ')} not found`);

export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(code, 409, message, { details });

export const badRequest = (code: string, message: string, details?: Record<string, unknown>, zh?: string) =>
  new AppError(code, 400, message, details ? { details } : {}, zh);

/** Input that passed the schema but makes no sense: 400 VALIDATION_FAILED, worded in both languages. */
export const invalid = (en: string, zh: string, details?: Record<string, unknown>) =>
  new AppError('VALIDATION_FAILED', 400, en, details ? { details } : {}, zh);

export const forbidden = (message = 'not allowed') => new AppError('FORBIDDEN', 403, message);

/** A refusal by a business rule: 422 naming the rule id (one of src/rules/defaults.ts, so the client can look it up). */
export const refused = (code: string, rule: RuleId, message: string, details?: Record<string, unknown>) =>
  new AppError(code, 422, message, { rule, details });

/** A broken invariant: a bug, never an expected outcome. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}
