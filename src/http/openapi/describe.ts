import type { RouteOptions } from 'fastify';
import type { Config } from '../../config';
import { apiKeyPrefix } from '../../accounts/api-keys';
import { sessionCookie } from '../auth';
import type { Access } from '../access';
import { operationIds } from './operation-ids';
import { successResponses, type JsonSchema } from './responses';

/**
 * Completes every route's OpenAPI operation from what the route already declares, in one place, so
 * route files only carry their input schemas: an operationId (the route's own or the table in
 * operation-ids.ts), the success response with its real status and body schema (responses.ts),
 * the error responses the route can give (all one shared `ErrorBody`), and `security` derived from
 * `config.access`. Runs in the server's onRoute hook, before @fastify/swagger reads the route.
 */

/** The error body of shared/API.md "Errors", referenced by every 4xx/5xx response. */
export const errorBodySchema = {
  $id: 'ErrorBody',
  type: 'object',
  description: 'Every non-2xx answer: a stable code, a message in the reader\'s language, the rule that refused (422) and details.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'stable, upper snake case (VALIDATION_FAILED, ORDER_NOT_FOUND …)' },
        message: { type: 'string', description: 'for people, in the language of Accept-Language' },
        rule: { type: 'string', description: 'the rule id that refused the request (422)' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

const errorRef = { $ref: 'ErrorBody#' };
const errorText: Record<number, string> = {
  304: 'Not modified: the ETag in If-None-Match still matches',
  400: 'Malformed input (VALIDATION_FAILED with the schema problems)',
  401: 'Not signed in, or the bearer token / API key is unknown, expired or revoked',
  403: 'This kind of caller may not do this (FORBIDDEN), or a cookie session sent no or a wrong X-CSRF-Token',
  404: 'Not found, or not yours (answered exactly alike)',
  409: 'The object is not in a state that allows this',
  413: 'The upload or body is too large',
  415: 'The body is of a media type the route does not take (JSON; multipart for uploads)',
  422: 'Refused by a business rule (`rule` names it)',
  429: 'Rate limited: try again later',
  503: 'Not ready (the database does not answer or a migration is missing)',
};

/** Routes that count attempts (src/shared/rate-limit.ts, the login throttle, the order lookup). */
const rateLimited = new Set(['POST /api/auth/login', 'POST /api/orders/lookup', 'POST /api/orders/:id/messages']);
/** Extra non-2xx answers particular routes give. */
const extraStatuses: Record<string, number[]> = {
  'GET /api/ready': [503],
  'POST /api/orders/lookup': [404], // no such order, or a wrong query password (answered alike)
  'GET /api/orders/:id/messages': [409], // the conversation is closed to this side (e.g. staff before the platform steps in)
  'GET /api/products/:id/images/:imageId': [304], // If-None-Match matched its ETag
  'GET /api/payments/notify/:channel': [409], // a signed notification for another amount or channel (PAYMENT_MISMATCH)
};

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const signedInKinds: readonly Access[] = ['buyer', 'merchant', 'staff', 'admin', 'guest'];
const callerKinds: readonly Access[] = ['anonymous', 'guest', 'api_key', 'buyer', 'merchant', 'staff', 'admin'];

/** The security schemes: the browser's cookie (with its CSRF header on unsafe methods), a bearer session token, a shop's API key. */
export const securitySchemes = {
  sessionCookie: { type: 'apiKey', in: 'cookie', name: sessionCookie, description: 'The httpOnly session cookie set by POST /api/auth/login and /api/auth/register (browsers).' },
  csrfToken: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'With the session cookie on POST, PUT, PATCH and DELETE: the csrfToken the sign-in answered.' },
  bearerSession: { type: 'http', scheme: 'bearer', description: 'A session token from POST /api/auth/login or /register, or a guest\'s order token from POST /api/orders or /api/orders/lookup. A token that is unknown or expired is 401 on every route.' },
  apiKey: { type: 'http', scheme: 'bearer', bearerFormat: `${apiKeyPrefix}…`, description: `A shop's API key (${apiKeyPrefix}…, POST /api/shops/{id}/api-keys), sent as Authorization: Bearer; acts as the shop owner for that shop only.` },
} as const;

export function securityOf(method: string, access: readonly Access[]): Array<Record<string, string[]>> {
  if (access.includes('anonymous')) return [];
  const requirements: Array<Record<string, string[]>> = [];
  if (access.some((a) => signedInKinds.includes(a))) {
    requirements.push({ bearerSession: [] });
    requirements.push(unsafe.has(method) ? { sessionCookie: [], csrfToken: [] } : { sessionCookie: [] });
  }
  if (access.includes('api_key')) requirements.push({ apiKey: [] });
  return requirements;
}

/** The 4xx (and other non-2xx) statuses a route can answer, from its declaration. */
export function errorStatusesOf(method: string, url: string, schema: Record<string, unknown>, access: readonly Access[]): number[] {
  const key = `${method} ${url}`;
  const statuses = new Set<number>();
  const hasInput = ['body', 'querystring', 'params', 'headers'].some((part) => schema[part] !== undefined) || unsafe.has(method);
  if (hasInput) statuses.add(400);
  // 401: nobody signed in on a route that needs a caller; and on every route, a bearer token or API
  // key that is unknown, expired or revoked (src/http/auth.ts refuses it rather than ignore it).
  statuses.add(401);
  // A kind of caller the route refuses gets 403 (FORBIDDEN); a cookie session without its CSRF token gets 403 on any unsafe method.
  if (callerKinds.some((kind) => kind !== 'anonymous' && !access.includes(kind)) || unsafe.has(method)) statuses.add(403);
  // Not found: an object in the path, or one the body or query names (shopId, productId …).
  if (url.includes(':') || /"\w+Id":/.test(JSON.stringify([schema.body, schema.querystring]))) statuses.add(404);
  if (unsafe.has(method)) { statuses.add(409); statuses.add(422); }
  // A body over its limit (413) or of a type no parser takes (415): any unsafe method may carry one.
  if (unsafe.has(method)) { statuses.add(413); statuses.add(415); }
  if (rateLimited.has(key)) statuses.add(429);
  for (const status of extraStatuses[key] ?? []) statuses.add(status);
  return [...statuses].sort((a, b) => a - b);
}

/** Fills in the route's OpenAPI operation; routes outside /api and hidden ones are left alone. */
export function describeRoute(route: RouteOptions): void {
  const method = [route.method].flat()[0];
  if (!route.url.startsWith('/api/') || method === 'HEAD') return;
  const schema = (route.schema ??= {}) as Record<string, unknown>;
  if (schema.hide) return;
  const key = `${method} ${route.url}`;
  const access = route.config?.access ?? [];
  schema.operationId ??= operationIds[key];
  schema.security = securityOf(method, access);
  const response = (schema.response ??= {}) as Record<string, unknown>;
  const success = successResponses[key];
  const declared = Object.keys(response).some((status) => status.startsWith('2'));
  // A route in no table yet (a new one) is documented as "2XX: any JSON object" until it is described.
  if (!declared && !success) response['2xx'] = anyJson;
  else if (!declared) response[success.status] = success.status === 204 ? { description: 'Done; no body', type: 'null' } : success.schema ?? anyJson;
  for (const status of errorStatusesOf(method, route.url, schema, access)) {
    response[status] ??= status < 400 ? { description: errorText[status], type: 'null' } : { description: errorText[status], ...errorRef };
  }
}

/** A body not described yet: any JSON object (kept honest rather than guessed). */
export const anyJson: JsonSchema = { type: 'object', description: 'JSON object (shape not described yet)', additionalProperties: true };

/** The document's top-level fields (servers from KAMENG_PUBLIC_URL, relative "/" by default). */
export function openapiDocument(config: Pick<Config, 'publicUrl'>) {
  return {
    // 3.1: schemas are JSON Schema 2020-12, so `type: ['string', 'null']` and `type: 'null'` are valid.
    openapi: '3.1.0',
    info: {
      title: 'Kameng API', version: '0.1.0', license: { name: 'MIT', identifier: 'MIT' },
      description: 'Virtual-goods marketplace with escrow, a double-entry ledger and after-sales. Money is integer fen; times are ISO-8601 UTC; errors are `ErrorBody`: { error: { code, message, rule?, details? } }. Reference page: /api/docs.',
    },
    servers: [{ url: config.publicUrl ? config.publicUrl.replace(/\/$/, '') : '/' }],
    components: { securitySchemes },
  };
}
