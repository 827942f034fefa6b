import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Ctx } from '../context';
import { migrationStatus } from '../db/migration-status';
import { openStatuses } from '../aftersales/facts';
import { AppError } from '../shared/errors';
import type { App } from './app-type';
import { everyone } from './access';

export const requestIdHeader = 'x-request-id';
/** An incoming id is kept when it looks like one (UUIDs, ULIDs, a proxy's hex ids …); anything else could forge log lines. */
const requestIdPattern = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Fastify's genReqId: the caller's or proxy's X-Request-Id when well-formed, else a new UUID. */
export function requestId(request: IncomingMessage): string {
  const incoming = request.headers[requestIdHeader];
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && requestIdPattern.test(value) ? value : randomUUID();
}

/**
 * Operational endpoints: request ids echoed in `X-Request-Id`, `GET /api/ready` (database reachable,
 * every migration applied), and `GET /metrics` in Prometheus's text format (request durations by
 * route, scheduler and after-sales gauges, process metrics). /metrics is served with
 * `Authorization: Bearer $KAMENG_METRICS_TOKEN` when that is set; without a token only in the sandbox
 * (a 404 in production, as if it did not exist).
 */
export function opsRoutes(app: App, ctx: Ctx): void {
  app.addHook('onRequest', async (request, reply) => {
    void reply.header(requestIdHeader, request.id);
  });

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const durations = new Histogram({
    name: 'http_request_duration_seconds', help: 'HTTP request durations by route (the route pattern, not the path)',
    labelNames: ['method', 'route', 'status_code'] as const, registers: [registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    durations.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  const scrapeErrors = new Counter({ name: 'kameng_metrics_scrape_errors_total', help: 'Scrapes whose database gauges could not be read', registers: [registry] });
  // The gauges are read when Prometheus scrapes, each one cheap query (jobs by the partial index on pending).
  new Gauge({
    name: 'kameng_jobs_pending', help: 'Scheduler jobs waiting to run', registers: [registry],
    async collect() {
      const row = await ctx.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
      this.set(Number(row.n));
    },
  });
  new Gauge({
    name: 'kameng_jobs_overdue', help: 'Pending scheduler jobs due more than a minute ago (a stalled or overloaded scheduler)', registers: [registry],
    async collect() {
      const row = await ctx.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending').where('due_at', '<', new Date(ctx.clock.now().getTime() - 60_000)).executeTakeFirstOrThrow();
      this.set(Number(row.n));
    },
  });
  new Gauge({
    name: 'kameng_refund_cases_open', help: 'Open refund cases by status', labelNames: ['status'] as const, registers: [registry],
    async collect() {
      const rows = await ctx.db.selectFrom('refund_cases').select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', [...openStatuses]).groupBy('status').execute();
      this.reset();
      for (const status of openStatuses) this.set({ status }, Number(rows.find((r) => r.status === status)?.n ?? 0));
    },
  });

  app.get('/api/ready', {
    config: { access: everyone },
    schema: { tags: ['ops'], summary: 'Readiness: 200 when the database answers and every migration is applied, 503 otherwise' },
  }, async () => {
    let status;
    try {
      status = await migrationStatus(ctx.db);
    } catch (error) {
      ctx.log.warn({ err: error }, 'readiness: the database does not answer');
      throw new AppError('NOT_READY', 503, 'the database does not answer', { details: { database: false } });
    }
    if (status.pending.length > 0 || status.unknown.length > 0) {
      throw new AppError('NOT_READY', 503, 'the database schema does not match this version', { details: { database: true, pending: status.pending, unknown: status.unknown } });
    }
    return { ready: true, engine: ctx.engine, migrations: status.applied.length };
  });

  app.get('/metrics', { config: { ownAuth: true }, schema: { hide: true } }, async (request, reply) => {
    const token = ctx.config.metricsToken ? Buffer.from(ctx.config.metricsToken) : undefined;
    if (!token) {
      if (!ctx.config.sandbox) throw new AppError('NOT_FOUND', 404, `no route GET ${request.url.split('?')[0]}`);
    } else {
      const header = request.headers.authorization ?? '';
      const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7).trim() : '');
      if (given.length !== token.length || !timingSafeEqual(given, token)) {
        void reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError('UNAUTHENTICATED', 401, 'GET /metrics needs Authorization: Bearer <KAMENG_METRICS_TOKEN>');
      }
    }
    let text: string;
    try {
      text = await registry.metrics();
    } catch (error) {
      ctx.log.warn({ err: error }, 'metrics: a database gauge failed');
      scrapeErrors.inc();
      throw new AppError('METRICS_UNAVAILABLE', 503, 'the database gauges could not be read');
    }
    return reply.type(registry.contentType).send(text);
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route checks its own credentials (GET /metrics and its token): no session or API key is resolved. */
    ownAuth?: boolean;
  }
}
