import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Ctx, UserActor } from '../context';
import { loadOwnedShop } from '../catalog/shops';
import { withTransaction } from '../db/transaction';
import { scheduleJob } from '../scheduler/jobs';
import { AppError, conflict, notFound, refused } from '../shared/errors';
import { webhookDeliveryJob, type WebhookEventType } from './events';
import { resolveTarget } from './addresses';

export const webhooksPerShopMax = 10;
/** Secrets are recognisable in logs and secret scanners by this prefix. */
export const webhookSecretPrefix = 'whsec_';
/** The whole outbound request (connect, send, answer) must finish within this. */
export const webhookTimeoutMs = 5_000;
/** Of the receiver's answer only this much is kept, for the merchant to see why it failed. */
export const responseExcerptMax = 500;
const retryBaseMs = 30_000;
const retryCapMs = 60 * 60_000;

const problemText: Record<'scheme' | 'credentials', { en: string; zh: string }> = {
  scheme: { en: 'a webhook URL must be http or https', zh: '回调地址必须以 http:// 或 https:// 开头。' },
  credentials: { en: 'a webhook URL must not carry a user name or password', zh: '回调地址中不能包含用户名或密码。' },
};

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppError('WEBHOOK_URL_INVALID', 400, 'the webhook URL is not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('WEBHOOK_URL_INVALID', 400, problemText.scheme.en, {}, problemText.scheme.zh);
  if (url.username || url.password) throw new AppError('WEBHOOK_URL_INVALID', 400, problemText.credentials.en, {}, problemText.credentials.zh);
  return url;
}

/** Outside sandbox mode the host must resolve, and only to public addresses. */
async function checkTarget(ctx: Ctx, url: URL): Promise<void> {
  if (ctx.config.sandbox) return;
  const target = await resolveTarget(url, false);
  if (!('problem' in target)) return;
  if (target.problem === 'private') {
    throw refused('WEBHOOK_TARGET_PRIVATE', 'webhook.public-targets-only', `${url.hostname} resolves to a loopback, private, link-local or otherwise non-public address`, { host: url.hostname });
  }
  throw new AppError('WEBHOOK_TARGET_UNRESOLVABLE', 422, `${url.hostname} does not resolve`, { details: { host: url.hostname } });
}

const eventsOf = (events: string[] | string): string[] => (typeof events === 'string' ? JSON.parse(events) as string[] : events);

/** The shop owner registers an endpoint; its signing secret is shown once and stored encrypted. */
export async function createWebhook(ctx: Ctx, actor: UserActor, shopId: string, input: { url: string; events: WebhookEventType[] }) {
  const shop = await loadOwnedShop(ctx.db, actor, shopId);
  const url = parseUrl(input.url);
  await checkTarget(ctx, url);
  const live = await ctx.db.selectFrom('webhooks').select((eb) => eb.fn.countAll<number>().as('n')).where('shop_id', '=', shop.id).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
  if (Number(live.n) >= webhooksPerShopMax) throw conflict('WEBHOOK_LIMIT', `a shop may have at most ${webhooksPerShopMax} webhooks; delete one first`);
  const secret = `${webhookSecretPrefix}${randomBytes(24).toString('base64url')}`;
  const id = randomUUID();
  const now = ctx.clock.now();
  const events = [...new Set(input.events)];
  await ctx.db.insertInto('webhooks').values({
    id, shop_id: shop.id, url: url.toString(), events: JSON.stringify(events), secret_sealed: ctx.box.encrypt(secret), created_by: actor.userId, created_at: now, deleted_at: null,
  }).execute();
  return { id, url: url.toString(), events, secret, createdAt: now.toISOString() };
}

export async function listWebhooks(ctx: Ctx, actor: UserActor, shopId: string) {
  const shop = await loadOwnedShop(ctx.db, actor, shopId);
  const rows = await ctx.db.selectFrom('webhooks').select(['id', 'url', 'events', 'created_at']).where('shop_id', '=', shop.id).where('deleted_at', 'is', null).orderBy('created_at', 'desc').execute();
  return { items: rows.map((r) => ({ id: r.id, url: r.url, events: eventsOf(r.events), createdAt: r.created_at.toISOString() })) };
}

export async function deleteWebhook(ctx: Ctx, actor: UserActor, shopId: string, webhookId: string) {
  const shop = await loadOwnedShop(ctx.db, actor, shopId);
  const row = await ctx.db.updateTable('webhooks').set({ deleted_at: ctx.clock.now() })
    .where('id', '=', webhookId).where('shop_id', '=', shop.id).where('deleted_at', 'is', null).returning('id').executeTakeFirst();
  if (!row) throw notFound('webhook');
  return { id: row.id, deleted: true };
}

export async function listDeliveries(ctx: Ctx, actor: UserActor, shopId: string, webhookId: string, query: { limit?: number }) {
  const shop = await loadOwnedShop(ctx.db, actor, shopId);
  const hook = await ctx.db.selectFrom('webhooks').select('id').where('id', '=', webhookId).where('shop_id', '=', shop.id).executeTakeFirst();
  if (!hook) throw notFound('webhook');
  const rows = await ctx.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', hook.id)
    .orderBy('created_at', 'desc').orderBy('id').limit(query.limit ?? 50).execute();
  return {
    items: rows.map((d) => ({
      id: d.id, eventId: d.event_id, type: d.event_type, status: d.status, attempts: d.attempts, responseStatus: d.response_status,
      responseExcerpt: d.response_excerpt, lastError: d.last_error, nextAttemptAt: d.next_attempt_at?.toISOString() ?? null,
      createdAt: d.created_at.toISOString(), deliveredAt: d.delivered_at?.toISOString() ?? null,
    })),
  };
}

/** `Kameng-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`. */
export function signatureHeader(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** Exponential backoff with jitter: 30 s, 1 min, 2 min … capped at an hour, each drawn from [½, 1] of that. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const full = Math.min(retryCapMs, retryBaseMs * 2 ** Math.min(attempt - 1, 20));
  return Math.round(full * (0.5 + random() * 0.5));
}

interface AttemptResult { status: number | null; excerpt: string | null; error: string | null }

/**
 * One POST to the endpoint: the host is resolved again and checked (DNS may have changed since
 * registration) and the connection goes to exactly the address checked; no redirect is followed.
 */
async function post(ctx: Ctx, rawUrl: string, body: string, signature: string): Promise<AttemptResult> {
  const url = new URL(rawUrl);
  const started = Date.now();
  let dnsTimer: NodeJS.Timeout | undefined;
  const target = await Promise.race([
    resolveTarget(url, ctx.config.sandbox),
    new Promise<'timeout'>((resolve) => { dnsTimer = setTimeout(() => resolve('timeout'), webhookTimeoutMs); }),
  ]).finally(() => clearTimeout(dnsTimer));
  if (target === 'timeout') return { status: null, excerpt: null, error: `timed out after ${webhookTimeoutMs} ms resolving the host` };
  if ('problem' in target) return { status: null, excerpt: null, error: target.problem === 'private' ? 'refused: the host resolves to a non-public address' : `refused: ${target.problem}` };
  const remainingMs = Math.max(1, webhookTimeoutMs - (Date.now() - started));
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult) => { if (!settled) { settled = true; clearTimeout(timer); resolve(result); } };
    const request = client.request(url, {
      method: 'POST', lookup: pinned, agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Kameng-Webhooks/1', 'kameng-signature': signature },
    }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < responseExcerptMax) { chunks.push(chunk); size += chunk.length; }
        if (size >= responseExcerptMax) response.destroy();
      });
      const done = () => finish({ status: response.statusCode ?? null, excerpt: Buffer.concat(chunks).toString('utf8').slice(0, responseExcerptMax) || null, error: null });
      response.on('end', done);
      response.on('close', done);
      response.on('error', done);
    });
    const timer = setTimeout(() => { request.destroy(new Error('timed out')); finish({ status: null, excerpt: null, error: `timed out after ${webhookTimeoutMs} ms` }); }, remainingMs);
    request.on('error', (error) => finish({ status: null, excerpt: null, error: String(error.message).slice(0, 200) }));
    request.end(body);
  });
}

/**
 * The delivery job: one attempt. A 2xx marks the delivery delivered; anything else schedules the
 * next attempt with backoff, unless it would fall outside the retry window (rule
 * webhook.retry-window), which marks it failed. Runs after the event's transaction committed.
 */
export async function attemptDelivery(ctx: Ctx, ref: string, now: Date): Promise<void> {
  const [deliveryId, attemptText] = ref.split('@');
  const attempt = Number(attemptText);
  const delivery = await ctx.db.selectFrom('webhook_deliveries').innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .select(['webhook_deliveries.id', 'webhook_deliveries.payload', 'webhook_deliveries.status', 'webhook_deliveries.attempts', 'webhook_deliveries.created_at',
      'webhooks.url', 'webhooks.secret_sealed', 'webhooks.deleted_at'])
    .where('webhook_deliveries.id', '=', deliveryId).executeTakeFirst();
  // Done already, or a lease re-run of an attempt that was recorded.
  if (!delivery || delivery.status !== 'pending' || delivery.attempts >= attempt) return;
  const result: AttemptResult = delivery.deleted_at
    ? { status: null, excerpt: null, error: 'the webhook was deleted' }
    : await post(ctx, delivery.url, delivery.payload, signatureHeader(ctx.box.decrypt(delivery.secret_sealed), delivery.payload, now));
  const ok = result.status !== null && result.status >= 200 && result.status < 300;
  const rules = await ctx.rules.current();
  const windowEnd = delivery.created_at.getTime() + rules.values['webhook.retry-window'] * 3_600_000;
  const next = new Date(now.getTime() + retryDelayMs(attempt));
  const retry = !ok && !delivery.deleted_at && next.getTime() <= windowEnd;
  await withTransaction(ctx.db, async (tx) => {
    const updated = await tx.updateTable('webhook_deliveries').set({
      status: ok ? 'delivered' : retry ? 'pending' : 'failed', attempts: attempt, response_status: result.status, response_excerpt: result.excerpt,
      last_error: ok ? null : result.error ?? `answered ${result.status}`, next_attempt_at: retry ? next : null, delivered_at: ok ? now : null,
    }).where('id', '=', delivery.id).where('status', '=', 'pending').where('attempts', '<', attempt).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 1 && retry) await scheduleJob(tx, webhookDeliveryJob, `${delivery.id}@${attempt + 1}`, next, now);
  });
}
