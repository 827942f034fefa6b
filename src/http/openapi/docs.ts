import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { App } from '../app-type';
import { everyone } from '../access';
import { invariant } from '../../shared/errors';

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

const scriptUrl = `${docsPrefix}/js/scalar.js`;
/** The script's URL carries no version: a browser keeps it a day, then revalidates by its ETag. */
const scriptCacheControl = 'public, max-age=86400';
/** What the script is sent in: each made once, on the first request that accepts it (brotli takes seconds on 5 MB). */
type ScriptEncoding = 'br' | 'gzip' | 'identity';

interface ScalarScript {
  etag: string;
  bodies: Map<ScriptEncoding, Promise<Buffer>>;
}

/** The plugin's script, taken from it once and kept: 5 MB no request copies or compresses again. */
let scriptLoading: Promise<ScalarScript> | undefined;
const scalarScript = () => (scriptLoading ??= (async () => {
  const answer = await (await scalar()).inject({ method: 'GET', url: scriptUrl });
  invariant(answer.statusCode === 200, `the Scalar plugin answers ${scriptUrl}`);
  const body = answer.rawPayload;
  const bodies = new Map<ScriptEncoding, Promise<Buffer>>([['identity', Promise.resolve(body)]]);
  // Weak: the same script whichever encoding it is sent in.
  return { etag: `W/"${createHash('sha256').update(body).digest('base64url')}"`, bodies };
})().catch((error: unknown) => {
  scriptLoading = undefined;
  throw error;
}));

function scriptBody(script: ScalarScript, encoding: ScriptEncoding): Promise<Buffer> {
  let body = script.bodies.get(encoding);
  if (!body) {
    const identity = script.bodies.get('identity')!;
    body = identity.then((raw) => encoding === 'br'
      ? promisify(brotliCompress)(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 6, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
      : promisify(gzip)(raw));
    body.catch(() => script.bodies.delete(encoding));
    script.bodies.set(encoding, body);
  }
  return body;
}

/** The best encoding the request accepts (brotli, then gzip), by its Accept-Encoding with q-values. */
function scriptEncodingFor(acceptEncoding: string | undefined): ScriptEncoding {
  const accepted = new Set((acceptEncoding ?? '').split(',').flatMap((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q && !(Number(q.slice(2)) > 0) ? [] : [name.trim()];
  }));
  return accepted.has('br') ? 'br' : accepted.has('gzip') ? 'gzip' : 'identity';
}

/** If-None-Match by weak comparison: one of its tags, or `*`. */
const matchesEtag = (ifNoneMatch: string | undefined, etag: string) =>
  ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || tag.trim().replace(/^W\//, '') === etag.replace(/^W\//, ''));

/** The API reference page (Scalar) over GET /api/openapi.json: the plugin's page, passed to it, and its script from memory. */
export async function docsRoutes(app: App): Promise<void> {
  for (const url of [docsPrefix, `${docsPrefix}/`]) {
    app.get(url, { schema: { hide: true }, logLevel: 'warn' }, async (request, reply) => {
      const answer = await (await scalar()).inject({ method: 'GET', url: request.url, headers: { accept: request.headers.accept ?? '*/*' } });
      for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !hopHeaders.has(name)) reply.header(name, value);
      reply.code(answer.statusCode);
      return answer.payload;
    });
  }
  // Compressed here once per encoding, not by @fastify/compress on every request.
  app.get(scriptUrl, { schema: { hide: true }, logLevel: 'warn', compress: false }, async (request, reply) => {
    const script = await scalarScript();
    reply.header('content-type', 'application/javascript; charset=utf-8').header('cache-control', scriptCacheControl)
      .header('etag', script.etag).header('vary', 'accept-encoding');
    if (matchesEtag(request.headers['if-none-match'], script.etag)) return reply.code(304).send();
    const encoding = scriptEncodingFor(request.headers['accept-encoding']);
    if (encoding !== 'identity') reply.header('content-encoding', encoding);
    return scriptBody(script, encoding);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.url === `${docsPrefix}/` && typeof payload === 'string') reply.header('content-security-policy', docsCsp(payload));
    return payload;
  });
}
