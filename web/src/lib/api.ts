import type { IdempotencyKeys } from './idempotency';

/** The one place the web app talks HTTP: cookie session + CSRF header, or a guest's bearer token. */

/** A request that has not answered by then is abandoned (and retried when it carries an Idempotency-Key). */
const requestTimeoutMs = 30_000;
/** Retries of a keyed POST after a network failure; the same key makes each one safe. */
const idempotentRetriesMax = 2;
/** Backoff before retry n (0-based): base × 3ⁿ plus up to one base of jitter — 0.5–1 s, then 1.5–2 s. */
const retryBackoffBaseMs = 500;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly rule?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  body?: unknown;
  /** A guest's order-scoped token; it takes precedence over the cookie on the server. */
  token?: string;
  /**
   * The form's Idempotency-Keys: the request carries the key for its content, is retried on a
   * network failure with that same key, and only a success retires the key.
   */
  idempotency?: IdempotencyKeys;
}

let csrfToken: string | null = null;
let acceptLanguage = 'zh-CN';

/** The UI's language: the server words errors, refusals and notices in it (API.md "Language"). */
export function setApiLanguage(lang: 'zh' | 'en'): void {
  acceptLanguage = lang === 'en' ? 'en' : 'zh-CN';
}

/** Login, register and GET /api/me hand out the session's CSRF token; every cookie POST echoes it. */
export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

async function send(method: string, path: string, options: RequestOptions, idempotencyKey?: string): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': acceptLanguage };
  // A FormData body (a file upload) sets its own multipart content type with the boundary.
  const multipart = options.body instanceof FormData;
  if (options.body !== undefined && !multipart) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  else if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), requestTimeoutMs);
  try {
    return await fetch(path, {
      method, headers, credentials: 'same-origin', signal: abort.signal,
      body: options.body === undefined ? undefined : multipart ? (options.body as FormData) : JSON.stringify(options.body),
    });
  } catch (error) {
    if (abort.signal.aborted) throw new ApiError(0, 'TIMEOUT', `no answer within ${requestTimeoutMs / 1000} s`);
    throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : 'network error');
  } finally {
    clearTimeout(timer);
  }
}

async function parse<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown = undefined;
  try { body = text ? JSON.parse(text) : undefined; } catch { /* not JSON: handled below */ }
  if (response.ok) return body as T;
  const error = (body as { error?: { code?: string; message?: string; rule?: string; details?: Record<string, unknown> } } | undefined)?.error;
  throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? (text.slice(0, 200) || response.statusText), error?.rule, error?.details);
}

/** Re-reads the CSRF token (another tab may have signed in again); true when there is a session. */
async function refreshCsrfToken(): Promise<boolean> {
  const response = await send('GET', '/api/me', {});
  if (!response.ok) return false;
  const body = (await response.json()) as { csrfToken?: string };
  setCsrfToken(body.csrfToken);
  return Boolean(body.csrfToken);
}

async function sendOnce<T>(method: string, path: string, options: RequestOptions, idempotencyKey?: string): Promise<T> {
  const response = await send(method, path, options, idempotencyKey);
  if (response.status === 403 && !options.token) {
    const clone = response.clone();
    const code = ((await clone.json().catch(() => null)) as { error?: { code?: string } } | null)?.error?.code;
    if (code === 'CSRF_TOKEN_INVALID' && (await refreshCsrfToken())) return parse<T>(await send(method, path, options, idempotencyKey));
  }
  return parse<T>(response);
}

/**
 * Failures after which the request may or may not have been carried out: no answer, a gateway
 * that lost the upstream, or the first attempt with this key still running on the server.
 */
function worthRetrying(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  return error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504
    || error.code === 'IDEMPOTENCY_KEY_IN_FLIGHT';
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
  const keys = options.idempotency;
  if (!keys) return sendOnce<T>(method, path, options);
  const request = [method, path, options.body];
  const key = keys.keyFor(request);
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await sendOnce<T>(method, path, options, key);
      keys.succeeded(request);
      return result;
    } catch (error) {
      if (attempt >= idempotentRetriesMax || !worthRetrying(error)) throw error;
      await pause(retryBackoffBaseMs * 3 ** attempt + Math.random() * retryBackoffBaseMs);
    }
  }
}

/**
 * A multipart upload (evidence files). The browser sets the multipart content-type with its boundary,
 * so we must not; the CSRF header still goes with a cookie session.
 */
export async function upload<T>(path: string, form: FormData): Promise<T> {
  const post = () => {
    const headers: Record<string, string> = { accept: 'application/json', 'accept-language': acceptLanguage };
    if (csrfToken) headers['x-csrf-token'] = csrfToken;
    return fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: form })
      .catch((error: unknown) => { throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : 'network error'); });
  };
  const response = await post();
  if (response.status === 403) {
    const code = ((await response.clone().json().catch(() => null)) as { error?: { code?: string } } | null)?.error?.code;
    if (code === 'CSRF_TOKEN_INVALID' && (await refreshCsrfToken())) return parse<T>(await post());
  }
  return parse<T>(response);
}

/** A text resource (the printable evidence package) with the same credentials as `api`; errors as ApiError. */
export async function fetchText(path: string, options: { token?: string } = {}): Promise<string> {
  const headers: Record<string, string> = { accept: 'text/html' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(path, { headers, credentials: 'same-origin' })
    .catch((error: unknown) => { throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : 'network error'); });
  if (!response.ok) return parse<string>(response);
  return response.text();
}
