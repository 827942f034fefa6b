import { createHash } from 'node:crypto';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { App } from '../app-type';
import { everyone } from '../access';

/** Where the API reference page lives: GET /api/docs (redirects to /api/docs/) and its script. */
export const docsPrefix = '/api/docs';
const isDocsRoute = (url: string) => url === docsPrefix || url.startsWith(`${docsPrefix}/`);

/** The plugin registers its routes itself: they are public, like the document they show. */
export function declareDocsAccess(route: RouteOptions): void {
  if (isDocsRoute(route.url)) route.config = { ...route.config, access: everyone };
}

/**
 * The page's Content-Security-Policy, stricter than "anything goes" and looser than the web app's:
 * the Scalar bundle is served from this origin (/api/docs/js/scalar.js), its one inline script
 * (the configuration) is allowed by its SHA-256 hash, computed from the page as sent; the styles
 * it injects at run time need style-src 'unsafe-inline'; it fetches /api/openapi.json and sends
 * "try it" requests to this origin only (connect-src 'self'); no fonts from Scalar's CDN.
 */
export function docsCsp(html: string): string {
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
    .map((match) => `'sha256-${createHash('sha256').update(match[1]).digest('base64')}'`);
  return [
    "default-src 'self'", `script-src 'self' ${hashes.join(' ')}`.trim(), "script-src-attr 'none'", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:", "font-src 'self' data:", "connect-src 'self'", "worker-src 'self' blob:", "object-src 'none'",
    "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The Scalar plugin carrying the page's 5 MB script, made on the first request for the page in a
 * small Fastify instance of its own, not at start (~15 MB of heap few servers ever use).
 */
let scalarLoading: Promise<FastifyInstance> | undefined;
const scalar = () => (scalarLoading ??= (async () => {
  const { default: apiReference } = await import('@scalar/fastify-api-reference');
  const inner = Fastify();
  await inner.register(apiReference, {
    routePrefix: docsPrefix,
    configuration: { url: '/api/openapi.json', pageTitle: 'Kameng API', withDefaultFonts: false, telemetry: false, hideClientButton: true, showDeveloperTools: 'never' },
  });
  await inner.ready();
  return inner;
})().catch((error: unknown) => {
  scalarLoading = undefined;
  throw error;
}));

/** Headers of the plugin's answer that belong to its own connection, not to the answer passed on. */
const hopHeaders = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

/** The API reference page (Scalar) over GET /api/openapi.json: the plugin's three routes, passed to it. */
export async function docsRoutes(app: App): Promise<void> {
  for (const url of [docsPrefix, `${docsPrefix}/`, `${docsPrefix}/js/scalar.js`]) {
    app.get(url, { schema: { hide: true }, logLevel: 'warn' }, async (request, reply) => {
      const answer = await (await scalar()).inject({ method: 'GET', url: request.url, headers: { accept: request.headers.accept ?? '*/*' } });
      for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !hopHeaders.has(name)) reply.header(name, value);
      reply.code(answer.statusCode);
      return answer.payload;
    });
  }
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.url === `${docsPrefix}/` && typeof payload === 'string') reply.header('content-security-policy', docsCsp(payload));
    return payload;
  });
}
