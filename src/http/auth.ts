import type { FastifyReply, FastifyRequest } from 'fastify';
import { resolveApiKey, apiKeyPrefix } from '../accounts/api-keys';
import { resolveSession, type Session } from '../accounts/users';
import { anonymous, type Caller, type Ctx } from '../context';
import { AppError } from '../shared/errors';
import { checkAccess } from './access';

export const sessionCookie = 'kameng_session';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    /** Never null: `anonymous` when nobody is signed in. */
    caller: Caller;
    csrfToken: string | null;
    sessionToken: string | null;
  }
}

/**
 * Resolves the caller from `Authorization: Bearer` (API clients: a session token or a merchant API
 * key) or the httpOnly session cookie (browsers), then enforces the route's access declaration.
 * Cookie-authenticated unsafe requests must echo the session's CSRF token in `X-CSRF-Token`;
 * bearer requests cannot be forged cross-site, so they need none.
 */
export function authHook(ctx: Ctx) {
  return async (request: FastifyRequest): Promise<void> => {
    request.caller = anonymous;
    request.csrfToken = null;
    request.sessionToken = null;
    if (request.routeOptions.config?.ownAuth) return; // GET /metrics checks its own token (src/http/ops.ts)
    const header = request.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
    if (bearer?.startsWith(apiKeyPrefix)) {
      const key = await resolveApiKey(ctx.db, bearer);
      if (!key) throw new AppError('UNAUTHENTICATED', 401, 'this API key is unknown or was revoked');
      request.caller = key;
      checkAccess(request);
      return;
    }
    const cookie = request.cookies?.[sessionCookie] ?? null;
    const token = bearer || cookie;
    if (token) {
      const session = await resolveSession(ctx, token);
      if (!session && bearer) throw new AppError('UNAUTHENTICATED', 401, 'the session has expired or was signed out; sign in again');
      // A stale cookie is simply no session.
      if (session) {
        if (!bearer && unsafeMethods.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
          throw new AppError('CSRF_TOKEN_INVALID', 403, 'missing or wrong X-CSRF-Token header for a cookie session');
        }
        request.caller = session.actor;
        request.csrfToken = session.csrfToken;
        request.sessionToken = token;
      }
    }
    checkAccess(request);
  };
}

export function setSessionCookie(reply: FastifyReply, session: Session, secure: boolean): void {
  void reply.setCookie(sessionCookie, session.token, { httpOnly: true, sameSite: 'lax', path: '/', secure, expires: session.expiresAt });
}

export const clientIp = (request: FastifyRequest) => request.ip ?? 'unknown';
