import { sql, type RawBuilder } from 'kysely';
import type { Ctx } from '../context';
import type { Db, Tx } from '../db/connect';
import type { RuleValues } from '../rules/defaults';
import { offPlatformFlag } from '../chat/conversation';
import { merchantCredit, type CreditComponent, type CreditFacts } from '../trust/credit';
import { TtlMap } from '../shared/ttl-map';

export interface MerchantTrust {
  /** 0–100 from fault refund rate, cases lost, response time, ratings and off-platform attempts (src/trust/credit.ts). */
  creditScore: number;
  /** Share of paid orders in the last 30 days with a refund that was the merchant's fault, 0–1. */
  refundRate: number;
  /** Refund rate above the demotion rule with enough orders: listed after everyone else. */
  demoted: boolean;
  /** Average stars 1–5 over all reviews, one decimal; null without reviews. */
  rating: number | null;
  ratingCount: number;
  /** The shop's identity (电子商务法 第27条) was approved by an admin. */
  verified: boolean;
}

export type MerchantTrustDetail = MerchantTrust & { components: CreditComponent[]; facts: CreditFacts };

export const trustWindowDays = 30;

export const trustWindowStart = (now: Date): Date => new Date(now.getTime() - trustWindowDays * 24 * 60 * 60_000);

/**
 * The shops demoted right now: at least the rule's number of paid orders in the window and
 * merchant-fault refunded orders above the rate (the same whole-number comparison as `merchantCredit`).
 */
async function readDemotedShops(db: Db, rules: RuleValues, now: Date): Promise<string[]> {
  const rows = await sql<{ shop_id: string }>`select w.shop_id from ${windowOrderCounts(trustWindowStart(now))} w
    where w.paid >= ${rules['trust.merchant-demotion-min-orders']}
      and w.refunded * 10000 > ${rules['trust.merchant-demotion-refund-rate']} * w.paid`.execute(db);
  return rows.rows.map((r) => r.shop_id).sort();
}

const demotedCaches = new WeakMap<object, TtlMap<string, string[]>>();
const demotedReads = new WeakMap<object, Map<string, Promise<string[]>>>();

/**
 * The demoted shops the catalogue ranks last, served from memory for `config.trustCacheTtlMs` like
 * the trust figures shown beside them (so the order and the `demoted` flag agree). Read apart from
 * the catalogue's query, not as a subquery in its ORDER BY: it sums every shop's 30 days
 * (shop_order_days and the boundary day's orders, thousands of rows with many shops), and it was
 * most of a catalogue page's time on PGlite. Keyed by the two rule values it depends on.
 */
export async function demotedShops(ctx: Ctx, rules: RuleValues): Promise<string[]> {
  const ttl = ctx.config.trustCacheTtlMs;
  if (!ttl) return readDemotedShops(ctx.db, rules, ctx.clock.now());
  let cache = demotedCaches.get(ctx);
  if (!cache) demotedCaches.set(ctx, (cache = new TtlMap(ttl, 4)));
  const key = `${rules['trust.merchant-demotion-min-orders']}:${rules['trust.merchant-demotion-refund-rate']}`;
  const hit = cache.get(key);
  if (hit) return hit;
  // Requests that find it expired while it is being read wait for that read (see trustReads).
  let reading = demotedReads.get(ctx);
  if (!reading) demotedReads.set(ctx, (reading = new Map()));
  const under = reading.get(key);
  if (under) return under;
  const readAt = cache.now();
  const read = readDemotedShops(ctx.db, rules, ctx.clock.now());
  reading.set(key, read);
  try {
    const shops = await read;
    cache.set(key, shops, readAt);
    return shops;
  } finally {
    if (reading.get(key) === read) reading.delete(key);
  }
}

/**
 * Per shop: paid orders created since `since`, and those of them with a merchant-fault refund —
 * whole UTC days after since's day from the trigger-kept `shop_order_days`, since's own day from
 * the orders themselves (index orders_paid_created), so the window is exact to the instant and the
 * read does not grow with the shops' order history.
 */
export function windowOrderCounts(since: Date, shopIds?: string[]): RawBuilder<{ shop_id: string; paid: number; refunded: number }> {
  const day = since.toISOString().slice(0, 10);
  const nextDay = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate() + 1));
  const ids = shopIds ? sql.join(shopIds) : null;
  return sql`(select shop_id, sum(paid)::int as paid, sum(refunded)::int as refunded from (
      select d.shop_id, d.paid_orders as paid, d.fault_refunded_orders as refunded from shop_order_days d
      where d.day > ${day}::date ${ids ? sql`and d.shop_id in (${ids})` : sql``}
      union all
      select o.shop_id, 1, o.merchant_fault_refund::int from orders o
      where o.paid > 0 and o.created_at >= ${since} and o.created_at < ${nextDay} ${ids ? sql`and o.shop_id in (${ids})` : sql``}
    ) c group by shop_id)`;
}

/**
 * Per shop: the median response time in minutes over its cases created since `since` — the first
 * answer after the case reached the merchant, silence past the deadline counted as the whole
 * deadline (a case still within its deadline and unanswered does not count yet; a withdrawn one
 * only if it was answered). Exactly `percentile_cont(0.5)` over those cases, read from the
 * trigger-kept histogram `shop_response_days` (migration 027): whole UTC days after since's day,
 * less the cases there whose deadline is still ahead; since's own day from the cases themselves.
 */
export function medianResponseMinutes(since: Date, now: Date, shopIds: string[]): RawBuilder<{ shop_id: string; minutes: number }> {
  const day = since.toISOString().slice(0, 10);
  const nextDay = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate() + 1));
  const ids = sql.join(shopIds);
  const minutes = (answeredAt: RawBuilder<unknown>) => sql`(extract(epoch from (${answeredAt} - created_at)) / 60)::float8`;
  return sql`(with times as (
      select shop_id, minutes, sum(n) as n from (
        select shop_id, minutes, cases as n from shop_response_days where shop_id in (${ids}) and day > ${day}::date
        union all
        select shop_id, ${minutes(sql`coalesce(merchant_responded_at, merchant_by)`)}, 1 from refund_cases
        where shop_id in (${ids}) and created_at >= ${since} and created_at < ${nextDay} and merchant_by is not null
          and (merchant_responded_at is not null or (merchant_by <= ${now} and status <> 'withdrawn'))
        union all
        select shop_id, ${minutes(sql`merchant_by`)}, -1 from refund_cases
        where shop_id in (${ids}) and merchant_responded_at is null and merchant_by is not null and merchant_by > ${now}
          and created_at >= ${nextDay} and status <> 'withdrawn'
      ) h group by shop_id, minutes having sum(n) > 0),
    ranked as (
      select shop_id, minutes, n, sum(n) over (partition by shop_id order by minutes) - n as before,
        (sum(n) over (partition by shop_id) - 1) / 2.0 as middle from times),
    halves as (
      select shop_id,
        min(minutes) filter (where floor(middle) >= before and floor(middle) < before + n) as lower,
        min(minutes) filter (where ceil(middle) >= before and ceil(middle) < before + n) as upper
      from ranked group by shop_id)
    -- percentile_cont's interpolation between the two middle values, in the same float8 arithmetic.
    select shop_id, lower + 0.5 * (upper - lower) as minutes from halves)`;
}

/** Whether each shop has an approved identity. */
export async function verifiedShops(db: Db | Tx, shopIds: string[]): Promise<Set<string>> {
  if (shopIds.length === 0) return new Set();
  const rows = await db.selectFrom('shop_identities').select('shop_id').distinct().where('shop_id', 'in', shopIds).where('status', '=', 'approved').execute();
  return new Set(rows.map((r) => r.shop_id));
}

type Counts = { shop_id: string; n: number };
const byShop = <T extends { shop_id: string }>(rows: T[]) => new Map(rows.map((r) => [r.shop_id, r]));

/** The facts behind each shop's credit, one grouped query per fact. */
async function creditFacts(db: Db, shopIds: string[], now: Date): Promise<Map<string, CreditFacts>> {
  const since = trustWindowStart(now);
  const ids = sql.join(shopIds);
  const [orders, lost, response, ratings, offPlatform] = await Promise.all([
    sql<{ shop_id: string; paid: number; refunded: number }>`select * from ${windowOrderCounts(since, shopIds)} w`.execute(db),
    // Lost: decided for the buyer by staff, or by the merchant's silence; an appeal that reversed it is no longer approved.
    sql<Counts>`
      select shop_id, count(*)::int as n from refund_cases
      where shop_id in (${ids}) and decided_at >= ${since} and status = 'approved' and decision_outcome <> 'reject'
        and (decided_by like 'staff:%' or decided_by like 'admin:%' or (decided_by = 'system' and decision_rule_id = 'aftersales.merchant-response'))
      group by shop_id`.execute(db),
    sql<{ shop_id: string; minutes: number }>`select * from ${medianResponseMinutes(since, now, shopIds)} m`.execute(db),
    // Kept by a trigger on reviews (migration 027): one row per shop however many reviews it has.
    sql<{ shop_id: string; average: number; n: number }>`
      select shop_id, (stars::float8 / reviews) as average, reviews as n from shop_review_stats where shop_id in (${ids}) and reviews > 0`.execute(db),
    // The flag is a literal so the partial index chat_messages_off_platform (migration 027) applies.
    sql<Counts>`
      select shop_id, count(*)::int as n from chat_messages
      where shop_id in (${ids}) and sender = 'merchant' and created_at >= ${since} and flags @> ${sql.lit(JSON.stringify([offPlatformFlag]))}::jsonb
      group by shop_id`.execute(db),
  ]);
  const [o, l, r, g, p] = [byShop(orders.rows), byShop(lost.rows), byShop(response.rows), byShop(ratings.rows), byShop(offPlatform.rows)];
  return new Map(shopIds.map((id) => [id, {
    paidOrders: o.get(id)?.paid ?? 0,
    merchantFaultRefundedOrders: o.get(id)?.refunded ?? 0,
    casesLost: l.get(id)?.n ?? 0,
    medianResponseMinutes: r.has(id) ? Math.round(Number(r.get(id)!.minutes)) : null,
    rating: g.has(id) ? Math.round(Number(g.get(id)!.average) * 10) / 10 : null,
    ratingCount: g.get(id)?.n ?? 0,
    offPlatformAttempts: p.get(id)?.n ?? 0,
  }]));
}

/** 商家信用 with its components and facts: what the shop page explains. */
export async function merchantTrustDetail(ctx: Ctx, shopIds: string[]): Promise<Map<string, MerchantTrustDetail>> {
  const result = new Map<string, MerchantTrustDetail>();
  if (shopIds.length === 0) return result;
  const rules = await ctx.rules.current();
  const now = ctx.clock.now();
  const [facts, verified] = await Promise.all([creditFacts(ctx.db, shopIds, now), verifiedShops(ctx.db, shopIds)]);
  for (const shopId of shopIds) {
    const f = facts.get(shopId)!;
    const credit = merchantCredit(f, rules.values);
    result.set(shopId, {
      creditScore: credit.creditScore, refundRate: credit.refundRate, demoted: credit.demoted,
      rating: f.rating, ratingCount: f.ratingCount, verified: verified.has(shopId), components: credit.components, facts: f,
    });
  }
  return result;
}

const trustCaches = new WeakMap<object, TtlMap<string, MerchantTrust>>();
/**
 * The reads under way, per shop: when the figures expire, the requests that arrive meanwhile wait for
 * the one read instead of each starting its own (16 clients made 16 identical five-query reads, queued
 * on PGlite's one connection: the catalogue's p99).
 */
const trustReads = new WeakMap<object, Map<string, Promise<Map<string, MerchantTrust>>>>();
const trustCacheShopsMax = 10_000;

/**
 * `merchantTrust` for the catalogue and the product page: each shop's figures served from memory
 * for `config.trustCacheTtlMs` (real time), so a busy catalogue does not run five grouped queries
 * over 30 days of cases, reviews and messages on every request. Bounded; the least recently used go first.
 */
export async function catalogTrust(ctx: Ctx, shopIds: string[]): Promise<Map<string, MerchantTrust>> {
  const ttl = ctx.config.trustCacheTtlMs;
  if (!ttl) return merchantTrust(ctx, shopIds);
  let cache = trustCaches.get(ctx);
  if (!cache) trustCaches.set(ctx, (cache = new TtlMap(ttl, trustCacheShopsMax)));
  let reading = trustReads.get(ctx);
  if (!reading) trustReads.set(ctx, (reading = new Map()));
  const readAt = cache.now();
  const result = new Map<string, MerchantTrust>();
  const missing: string[] = [];
  const joined = new Map<string, Promise<Map<string, MerchantTrust>>>();
  for (const id of shopIds) {
    const hit = cache.get(id);
    if (hit) result.set(id, hit);
    else if (reading.has(id)) joined.set(id, reading.get(id)!);
    else missing.push(id);
  }
  if (missing.length > 0) {
    const read = merchantTrust(ctx, missing);
    for (const id of missing) reading.set(id, read);
    try {
      for (const [id, trust] of await read) {
        cache.set(id, trust, readAt);
        result.set(id, trust);
      }
    } finally {
      for (const id of missing) if (reading.get(id) === read) reading.delete(id);
    }
  }
  for (const [id, read] of joined) result.set(id, (await read).get(id)!);
  return result;
}

/** 商家信用: refund rate over 30 days, rating and a credit score, shown to buyers before they buy. */
export async function merchantTrust(ctx: Ctx, shopIds: string[]): Promise<Map<string, MerchantTrust>> {
  const detail = await merchantTrustDetail(ctx, shopIds);
  return new Map([...detail].map(([id, { components: _c, facts: _f, ...trust }]) => [id, trust]));
}
