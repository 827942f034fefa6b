import type { FastifyRequest, RouteOptions } from 'fastify';
import type { Actor, ApiKeyActor, Caller, GuestActor, UserActor } from '../context';
import type { Role } from '../db/schema';
import { AppError, invariant } from '../shared/errors';
import { langFromHeader, type Lang } from '../i18n/lang';

/**
 * The kinds of caller a route accepts. Every route declares its list in `config.access`; a route
 * without one refuses to register. `anonymous` marks a public route (reads, sign-in, guest
 * checkout, a provider's signed callback); the rest are a signed-in role, a guest's order token
 * or a merchant's API key.
 */
export type Access = 'anonymous' | 'guest' | 'api_key' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: readonly Access[];
  }
}

export const accessOf = (caller: Caller): Access => (caller.kind === 'user' ? caller.role : caller.kind === 'system' ? 'anonymous' : caller.kind);

/**
 * Refuses a route without an access declaration at start-up, so none can be forgotten, and writes
 * the declaration into the route's OpenAPI operation (`x-access`) so clients and tests can read it.
 */
export function requireAccessDeclaration(route: RouteOptions): void {
  const access = route.config?.access;
  if (!route.url.startsWith('/api/')) return;
  if (!access || access.length === 0) throw new Error(`route ${String(route.method)} ${route.url} declares no config.access`);
  if (route.schema) (route.schema as Record<string, unknown>)['x-access'] = [...access];
}

/**
 * Runs after authentication: a caller whose kind the route does not accept gets 401 when nobody
 * is signed in (or only a guest / key that cannot do this), 403 when a signed-in role is wrong.
 */
export function checkAccess(request: FastifyRequest): void {
  const access = request.routeOptions.config?.access;
  if (!access) return; // the web app's static files and the 404 handler
  const caller = request.caller;
  if (access.includes(accessOf(caller))) return;
  if (caller.kind === 'user') throw new AppError('FORBIDDEN', 403, `this needs a ${access.filter((a) => a !== 'anonymous' && a !== 'guest' && a !== 'api_key').join(' or ')} account`);
  if (caller.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', 401, 'sign in first');
  if (caller.kind === 'guest') throw new AppError('UNAUTHENTICATED', 401, 'a guest order token only opens its own order; sign in with an account for this');
  throw new AppError('FORBIDDEN', 403, 'an API key cannot do this; sign in as the shop owner');
}

/** The reader's language (Accept-Language): text the server words for people follows it. */
export const langOf = (request: FastifyRequest): Lang => langFromHeader(request.headers['accept-language']);

/** The caller of a route that does not accept anonymous callers. */
export function actorOf(request: FastifyRequest): Actor {
  const caller = request.caller;
  invariant(caller.kind !== 'anonymous', `route ${request.routeOptions.url} reached a handler with no actor`);
  return caller;
}

export function userOf(request: FastifyRequest): UserActor {
  const caller = request.caller;
  invariant(caller.kind === 'user', `route ${request.routeOptions.url} expected a signed-in user`);
  return caller;
}

export type ShopActor = UserActor | ApiKeyActor;
export type BuyerActor = UserActor | GuestActor;

/** Access lists the routes share. */
export const everyone: readonly Access[] = ['anonymous', 'guest', 'api_key', 'buyer', 'merchant', 'staff', 'admin'];
export const signedIn: readonly Access[] = ['buyer', 'merchant', 'staff', 'admin'];
export const staffOrAdmin: readonly Access[] = ['staff', 'admin'];
export const adminOnly: readonly Access[] = ['admin'];
/** The buyer of an order: a buyer account or the order's guest token. */
export const orderBuyer: readonly Access[] = ['buyer', 'guest'];
/** The shop's side: its owner, or an API key of that shop. */
export const shopSide: readonly Access[] = ['merchant', 'api_key'];
/** Anyone with a possible relation to an order: its buyer (or guest token), the shop's side, staff. */
export const orderParties: readonly Access[] = ['buyer', 'guest', 'merchant', 'api_key', 'staff', 'admin'];
