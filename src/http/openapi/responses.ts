import { responseBodies } from './response-bodies';

export type JsonSchema = Record<string, unknown>;

/** A route's success answer: its status and body (a JSON Schema, or per-media-type `content`). */
export interface SuccessResponse { status: 200 | 201 | 204; schema?: JsonSchema }

const binary = (description: string, ...types: string[]): JsonSchema => ({
  // A JSON answer (WeChat Pay's `{code, message}`) is an object; every other type is bytes or text.
  description, content: Object.fromEntries(types.map((type) => [type, { schema: type === 'application/json' ? { type: 'object' } : { type: 'string', format: 'binary' } }])),
});

/** Routes that answer 201 Created (the handler's `reply.status(201)`). */
const created = [
  'POST /api/auth/register', 'POST /api/shops', 'POST /api/shops/:id/deposit', 'POST /api/shops/:id/withdrawals', 'POST /api/products',
  'POST /api/orders', 'POST /api/wallet/topups', 'POST /api/admin/fund/topups', 'POST /api/admin/users', 'POST /api/admin/rules',
  'POST /api/evidence', 'POST /api/orders/:id/refund-cases', 'POST /api/shops/:id/api-keys', 'POST /api/shops/:id/webhooks',
  'POST /api/orders/:id/messages', 'POST /api/orders/:id/review', 'POST /api/shops/:id/identity', 'POST /api/sandbox/users',
];

/** Routes that answer 204 with no body. */
const noContent = ['DELETE /api/admin/holidays/:date', 'DELETE /api/products/:id/images/:imageId'];

/**
 * Success answers by "METHOD /path" for routes whose schema does not declare one: status 200
 * unless listed, the body schema from response-bodies.ts (checked against every answer the
 * integration tests get, see test/support/response-check.ts), binary and text answers by media type.
 */
export const successResponses: Record<string, SuccessResponse> = {};
for (const [key, bodies] of Object.entries(responseBodies)) {
  for (const [status, schema] of Object.entries(bodies)) successResponses[key] = { status: Number(status) as 200 | 201, schema };
}
for (const key of created) successResponses[key] = { status: 201, schema: responseBodies[key]?.[201] };
for (const key of noContent) successResponses[key] = { status: 204 };
Object.assign(successResponses, {
  'GET /api/products/:id/images/:imageId': { status: 200, schema: binary('The picture, re-encoded as WebP (ETag; 304 when If-None-Match matches)', 'image/webp') },
  'GET /api/evidence/:id': { status: 200, schema: binary('The evidence file as uploaded (its type checked by content)', 'image/png', 'image/jpeg', 'image/webp', 'application/pdf', 'text/plain', 'application/octet-stream') },
  'POST /api/payments/notify/:channel': { status: 200, schema: binary("The answer the provider's protocol expects (text such as `success`, or JSON)", 'text/plain', 'application/json', 'application/xml') },
  'GET /api/payments/notify/:channel': { status: 200, schema: binary("The answer the provider's protocol expects (text such as `success`)", 'text/plain', 'application/json') },
  // `?format=html` (or Accept: text/html) answers the printable page of the same package.
  'GET /api/orders/:id/evidence-package': { status: 200, schema: {
    description: 'The evidence package as JSON, or its printable page (`format=html`)',
    content: { 'application/json': { schema: responseBodies['GET /api/orders/:id/evidence-package'][200] }, 'text/html': { schema: { type: 'string' } } },
  } },
} satisfies Record<string, SuccessResponse>);
