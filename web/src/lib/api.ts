/** The one place the web app talks HTTP: cookie session + CSRF header, or a guest's bearer token. */

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
  idempotencyKey?: string;
}

let csrfToken: string | null = null;

/** Login, register and GET /api/me hand out the session's CSRF token; every cookie POST echoes it. */
export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  else if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  try {
    return await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : 'network error');
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

export async function api<T>(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 403 && !options.token) {
    const clone = response.clone();
    const code = ((await clone.json().catch(() => null)) as { error?: { code?: string } } | null)?.error?.code;
    if (code === 'CSRF_TOKEN_INVALID' && (await refreshCsrfToken())) return parse<T>(await send(method, path, options));
  }
  return parse<T>(response);
}

/**
 * A multipart upload (evidence files). The browser sets the multipart content-type with its boundary,
 * so we must not; the CSRF header still goes with a cookie session.
 */
export async function upload<T>(path: string, form: FormData): Promise<T> {
  const post = () => {
    const headers: Record<string, string> = { accept: 'application/json' };
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

/** A fresh Idempotency-Key per attempt; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
