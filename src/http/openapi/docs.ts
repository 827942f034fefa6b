import { createHash } from 'node:crypto';
import apiReference from '@scalar/fastify-api-reference';
import type { RouteOptions } from 'fastify';
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

/** The API reference page (Scalar) over GET /api/openapi.json. */
export async function docsRoutes(app: App): Promise<void> {
  await app.register(apiReference, {
    routePrefix: docsPrefix,
    logLevel: 'warn',
    configuration: { url: '/api/openapi.json', pageTitle: 'Kameng API', withDefaultFonts: false, telemetry: false, hideClientButton: true, showDeveloperTools: 'never' },
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.url === `${docsPrefix}/` && typeof payload === 'string') reply.header('content-security-policy', docsCsp(payload));
    return payload;
  });
}
