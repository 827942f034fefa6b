import type { FastifyReply, FastifyRequest } from 'fastify';
import { resolveSession, type Session } from '../accounts/users';
import type { Actor, Ctx } from '../context';
import { AppError } from '../shared/errors';

export const sessionCookie = 'kameng_session';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    csrfToken: string | null;
    sessionToken: string | null;
  }
}

/**
 * Resolves the caller from `Authorization: Bearer` (API clients) or the httpOnly session cookie
 * (browsers). Cookie-authenticated unsafe requests must echo the session's CSRF token in
 * `X-CSRF-Token`; bearer requests cannot be forged cross-site, so they need none.
 */
export function authHook(ctx: Ctx) {
  return async (request: FastifyRequest): Promise<void> => {
    request.actor = null;
    request.csrfToken = null;
    request.sessionToken = null;
    const header = request.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
    const cookie = request.cookies?.[sessionCookie] ?? null;
    const token = bearer || cookie;
    if (!token) return;
    const session = await resolveSession(ctx, token);
    if (!session) {
      if (bearer) throw new AppError('UNAUTHENTICATED', 401, 'the session has expired or was signed out; sign in again');
      return; // a stale cookie is simply no session
    }
    if (!bearer && unsafeMethods.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
      throw new AppError('CSRF_TOKEN_INVALID', 403, 'missing or wrong X-CSRF-Token header for a cookie session');
    }
    request.actor = session.actor;
    request.csrfToken = session.csrfToken;
    request.sessionToken = token;
  };
}

export function setSessionCookie(reply: FastifyReply, session: Session, secure: boolean): void {
  void reply.setCookie(sessionCookie, session.token, { httpOnly: true, sameSite: 'lax', path: '/', secure, expires: session.expiresAt });
}

export const clientIp = (request: FastifyRequest) => request.ip ?? 'unknown';
