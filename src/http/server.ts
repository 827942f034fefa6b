import { existsSync } from 'node:fs';
import { constants as zlibConstants } from 'node:zlib';
import path from 'node:path';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Ctx } from '../context';
import type { App } from './app-type';
import { authHook } from './auth';
import { everyone, requireAccessDeclaration, type Access } from './access';
import { apiKeyRoutes } from './routes/api-keys';
import { webhookRoutes } from './routes/webhooks';
import { chatRoutes } from './routes/chat';

import { langFromHeader } from '../i18n/lang';
import { clientErrorHandler, errorHandler } from './errors';
import { rejectNonFiniteNumbers } from './validation';
import { lazyValidators } from './lazy-validators';
import { accountRoutes } from './routes/accounts';
import { adminRoutes } from './routes/admin';
import { adminShopRoutes } from './routes/admin-shops';
import { adminRefundRoutes } from './routes/admin-refunds';
import { catalogRoutes } from './routes/catalog';
import { aftersalesRoutes } from './routes/aftersales';
import { evidenceSizeBytesMax } from '../aftersales/evidence';
import { merchantRoutes } from './routes/merchant';
import { orderRoutes } from './routes/orders';
import { paymentRoutes } from './routes/payments';
import { sandboxRoutes } from './routes/sandbox';
import { trustRoutes } from './routes/trust';
import { evidencePackageRoutes } from './routes/evidence-package';
import { registerSecurityHeaders } from './security';
import { opsRoutes, requestId } from './ops';
import { describeRoute, errorBodySchema, openapiDocument } from './openapi/describe';
import { declareDocsAccess, docsRoutes } from './openapi/docs';

export const bodyLimitBytes = 1024 * 1024;
/** The package root: the nearest folder with a package.json above this file (src/http/ in source, dist/ when built). */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '../..');
  }
}
export const webDist = path.join(packageRoot(import.meta.dirname), 'web/dist');

/** One registered route with the caller kinds it accepts (HEAD twins of GET routes included). */
export interface RegisteredRoute { method: string; url: string; access: readonly Access[] | undefined }
/** Every route each server registered, filled by its onRoute hook: the authorization matrix test walks it. */
export const routeTable = new WeakMap<App, RegisteredRoute[]>();

/** A built asset under <web root>/assets (its name carries a content hash). */
const isHashedAsset = (webRoot: string, filePath: string) => path.relative(webRoot, filePath).split(path.sep)[0] === 'assets';

/** Extra route groups (the after-sales module adds its own). */
export type RouteGroup = (app: App, ctx: Ctx) => void;

export async function buildServer(ctx: Ctx, extraRoutes: RouteGroup[] = [], webRoot = webDist): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    trustProxy: ctx.config.trustProxy,
    bodyLimit: bodyLimitBytes,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false, allowUnionTypes: true } },
    schemaController: { compilersFactory: { buildValidator: lazyValidators() } },
    // Bad percent-escapes and over-long path parameters are answered before routing, and Node's
    // parser answers oversized headers itself: both with the API's error body, not Fastify's.
    frameworkErrors: (error, request, reply) => errorHandler(error, request, reply),
    clientErrorHandler,
    genReqId: requestId,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // The OpenAPI document: every operation is completed by describeRoute (src/http/openapi/) in the
  // onRoute hook below; shared schemas (ErrorBody) keep their $id as their components.schemas name.
  await app.register(swagger, {
    openapi: openapiDocument(ctx.config),
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  app.addSchema(errorBodySchema);
  // Answers are serialized with JSON.stringify, not fast-json-stringify from the response schemas:
  // those schemas document the API (and tests check every answer against them), but a gap in one
  // must never silently drop a field from a real answer, which fast-json-stringify would do.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(cookie);
  await registerSecurityHeaders(app, ctx);
  // Brotli or gzip for anything over 1 KiB (the script bundle, long lists); brotli at quality 4, not
  // zlib's default 11, which costs tens of milliseconds of CPU per response.
  await app.register(compress, {
    global: true, threshold: 1024, encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } },
  });
  await app.register(multipart, { limits: { fileSize: evidenceSizeBytesMax, files: 1, fields: 5 } });
  app.setErrorHandler(errorHandler);
  // Declared before any route, so a route without `config.access` fails at start-up.
  const routes: RegisteredRoute[] = [];
  routeTable.set(app, routes);
  app.addHook('onRoute', (route) => {
    declareDocsAccess(route);
    requireAccessDeclaration(route);
    describeRoute(route);
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, access: route.config?.access });
  });
  app.decorateRequest('caller', null as never); // set per request by authHook
  app.decorateRequest('csrfToken', null);
  app.decorateRequest('sessionToken', null);
  // A POST without a body (reveal, confirm …) validates as an empty object, not as a type error.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.method === 'POST') request.body = {};
  });
  app.addHook('preHandler', rejectNonFiniteNumbers);
  app.addHook('preHandler', authHook(ctx));
  // API answers are worded for the reader's Accept-Language: caches must keep the languages apart.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/')) {
      const vary = reply.getHeader('vary');
      if (!vary) reply.header('vary', 'Accept-Language');
      else if (!/accept-language/i.test(String(vary))) reply.header('vary', `${String(vary)}, Accept-Language`);
      reply.header('content-language', langFromHeader(request.headers['accept-language']) === 'en' ? 'en' : 'zh-CN');
    }
  });

  app.get('/api/health', { config: { access: everyone }, schema: { tags: ['ops'], summary: 'Ready when this answers 200' } }, async () => {
    await ctx.db.selectFrom('rule_sets').select('version').limit(1).execute();
    return { ok: true, engine: ctx.engine, sandbox: ctx.config.sandbox, now: ctx.clock.now().toISOString() };
  });
  opsRoutes(app, ctx);
  app.get('/api/openapi.json', { config: { access: everyone }, schema: { hide: true } }, async () => app.swagger());
  await docsRoutes(app);

  accountRoutes(app, ctx);
  catalogRoutes(app, ctx);
  orderRoutes(app, ctx);
  await paymentRoutes(app, ctx);
  adminRoutes(app, ctx);
  adminShopRoutes(app, ctx);
  adminRefundRoutes(app, ctx);
  aftersalesRoutes(app, ctx);
  apiKeyRoutes(app, ctx);
  webhookRoutes(app, ctx);
  merchantRoutes(app, ctx);
  chatRoutes(app, ctx);
  trustRoutes(app, ctx);
  evidencePackageRoutes(app, ctx);
  if (ctx.config.sandbox) sandboxRoutes(app, ctx);
  for (const group of extraRoutes) group(app, ctx);

  const hasWeb = existsSync(path.join(webRoot, 'index.html'));
  if (hasWeb) {
    // The build writes name.br / name.gz beside each file (web/vite.config.ts): sent as they are when the
    // client accepts them; a file without one is compressed on the way out by @fastify/compress above.
    await app.register(fastifyStatic, {
      root: webRoot, prefix: '/', wildcard: false, cacheControl: false, preCompressed: true,
      // Vite names built assets by their content hash: cache them for a year; index.html is checked on every visit.
      setHeaders: (reply, filePath) => { reply.header('cache-control', isHashedAsset(webRoot, filePath) ? 'public, max-age=31536000, immutable' : 'no-cache'); },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || request.method !== 'GET' || !hasWeb) {
      const route = `${request.method} ${request.url.split('?')[0]}`;
      const zh = langFromHeader(request.headers['accept-language']) === 'zh';
      return reply.status(404).send({ error: { code: 'NOT_FOUND', message: zh ? `没有这个接口：${route}` : `no route ${route}` } });
    }
    return reply.type('text/html').sendFile('index.html'); // the web app routes client-side
  });
  return app;
}
