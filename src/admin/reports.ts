import { sql } from 'kysely';
import type { Ctx } from '../context';
import type { Db } from '../db/connect';
import type { CaseStatus } from '../db/schema';
import { shanghaiDate } from '../shared/business-days';

export const reportDaysMax = 90;
const dayMs = 24 * 60 * 60_000;

export interface OverviewDay {
  /** The calendar day in Asia/Shanghai, YYYY-MM-DD. */
  day: string;
  /** Sum of the amounts of orders paid that day, in fen. */
  gmv: number;
  /** Orders paid that day. */
  orders: number;
  /** Of the orders paid that day: how much has been refunded so far, in fen. */
  refunded: number;
  /** refunded / gmv, 0..1; null without sales. */
  refundRate: number | null;
  /** Of `refunded`: the refunds recorded as the merchant's fault (refunds.fault), in fen. */
  merchantFaultRefunded: number;
  /** merchantFaultRefunded / gmv, 0..1; null without sales: the rate merchants are demoted by. */
  faultRefundRate: number | null;
  casesOpened: number;
  casesDecided: number;
  /** Cases decided that day that had a decision deadline (staff arbitration). */
  casesWithDeadline: number;
  /** Of those, decided on or before the deadline. */
  casesDecidedInTime: number;
  /** casesDecidedInTime / casesWithDeadline as a percentage; null when none had a deadline. */
  slaMetPct: number | null;
  /** The compensation fund's balance at the end of the day (now, for today), in fen. */
  fundBalance: number;
}

/** "YYYY-MM-DD" in Asia/Shanghai of a timestamptz column, the same in PGlite and PostgreSQL (UTC+8, no DST). */
const shanghaiDay = (column: string) => sql<string>`to_char((${sql.ref(column)} at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD')`;

/** The last `days` Asia/Shanghai days up to today: the instants they span and their names. */
export function reportWindow(now: Date, days: number): { today: string; from: Date; until: Date; dayList: string[] } {
  const today = shanghaiDate(now);
  const todayStart = Date.parse(`${today}T00:00:00+08:00`);
  const from = new Date(todayStart - (days - 1) * dayMs);
  const until = new Date(todayStart + dayMs);
  const dayList = Array.from({ length: days }, (_, i) => shanghaiDate(new Date(from.getTime() + i * dayMs + dayMs / 2)));
  return { today, from, until, dayList };
}

/**
 * Per day of payment: orders paid, their amounts (GMV: what buyers paid, net of coupons) and what has
 * been refunded of them, and the refunds recorded as the merchant's fault — for the platform or one shop.
 */
export function salesAndFaultRefunds(db: Db, from: Date, until: Date, shopId?: string) {
  let sales = db.selectFrom('orders')
    .select([shanghaiDay('paid_at').as('day'), sql<string>`count(*)`.as('orders'), sql<string>`coalesce(sum(amount), 0)`.as('gmv'), sql<string>`coalesce(sum(refunded), 0)`.as('refunded')])
    .where('paid_at', '>=', from).where('paid_at', '<', until);
  let faults = db.selectFrom('refunds').innerJoin('orders', 'orders.id', 'refunds.order_id')
    .select([shanghaiDay('orders.paid_at').as('day'), sql<string>`coalesce(sum(refunds.amount), 0)`.as('amount')])
    .where('refunds.fault', '=', 'merchant').where('orders.paid_at', '>=', from).where('orders.paid_at', '<', until);
  if (shopId) {
    sales = sales.where('shop_id', '=', shopId);
    faults = faults.where('orders.shop_id', '=', shopId);
  }
  return Promise.all([sales.groupBy(sql`1`).execute(), faults.groupBy(sql`1`).execute()]);
}

/**
 * Admin overview: one row per Asia/Shanghai day of the last `days` days (today included), each
 * computed with one GROUP BY per source table, plus the cases by status now.
 *
 * `refundRate` counts every refund; `faultRefundRate` only those recorded as the merchant's fault.
 */
export async function overviewReport(ctx: Ctx, days: number) {
  const { today, from, until, dayList } = reportWindow(ctx.clock.now(), days);
  const [[sales, faultRefunds], opened, decided, fundMoves, fundAccount, byStatus] = await Promise.all([
    salesAndFaultRefunds(ctx.db, from, until),
    ctx.db.selectFrom('refund_cases')
      .select([shanghaiDay('created_at').as('day'), sql<string>`count(*)`.as('n')])
      .where('created_at', '>=', from).where('created_at', '<', until).groupBy(sql`1`).execute(),
    ctx.db.selectFrom('refund_cases')
      .select([
        shanghaiDay('decided_at').as('day'), sql<string>`count(*)`.as('n'),
        sql<string>`count(decision_by)`.as('with_deadline'),
        sql<string>`count(case when decided_at <= decision_by then 1 end)`.as('in_time'),
      ])
      .where('decided_at', '>=', from).where('decided_at', '<', until).groupBy(sql`1`).execute(),
    // Movements of the fund after the window starts, by day; the balance of each day is walked back from today's.
    ctx.db.selectFrom('postings').innerJoin('journal_entries', 'journal_entries.id', 'postings.entry_id')
      .select([shanghaiDay('journal_entries.created_at').as('day'), sql<string>`coalesce(sum(postings.amount), 0)`.as('net')])
      .where('postings.account_id', '=', 'platform:compensation_fund').where('journal_entries.created_at', '>=', from)
      .groupBy(sql`1`).execute(),
    ctx.db.selectFrom('ledger_accounts').select('balance').where('id', '=', 'platform:compensation_fund').executeTakeFirst(),
    ctx.db.selectFrom('refund_cases').select(['status', sql<string>`count(*)`.as('n')]).groupBy('status').execute(),
  ]);

  const index = <R extends { day: string }>(rows: R[]) => new Map(rows.map((r) => [r.day, r]));
  const salesBy = index(sales);
  const faultBy = index(faultRefunds);
  const openedBy = index(opened);
  const decidedBy = index(decided);
  const fundBy = new Map(fundMoves.map((r) => [r.day, Number(r.net)]));
  const fundNow = Number(fundAccount?.balance ?? 0);
  // Anything dated after today (a clock moved back) also comes off.
  let later = [...fundBy].filter(([day]) => day > today).reduce((sum, [, net]) => sum + net, 0);
  const fundAtEnd = new Map<string, number>();
  for (let i = dayList.length - 1; i >= 0; i--) {
    fundAtEnd.set(dayList[i], fundNow - later);
    later += fundBy.get(dayList[i]) ?? 0;
  }

  const items: OverviewDay[] = dayList.map((day) => {
    const s = salesBy.get(day);
    const d = decidedBy.get(day);
    const gmv = Number(s?.gmv ?? 0);
    const refunded = Number(s?.refunded ?? 0);
    const merchantFaultRefunded = Number(faultBy.get(day)?.amount ?? 0);
    const withDeadline = Number(d?.with_deadline ?? 0);
    const inTime = Number(d?.in_time ?? 0);
    return {
      day, gmv, orders: Number(s?.orders ?? 0), refunded, refundRate: gmv > 0 ? refunded / gmv : null,
      merchantFaultRefunded, faultRefundRate: gmv > 0 ? merchantFaultRefunded / gmv : null,
      casesOpened: Number(openedBy.get(day)?.n ?? 0), casesDecided: Number(d?.n ?? 0),
      casesWithDeadline: withDeadline, casesDecidedInTime: inTime,
      slaMetPct: withDeadline > 0 ? Math.round((inTime / withDeadline) * 1000) / 10 : null,
      fundBalance: fundAtEnd.get(day) ?? fundNow,
    };
  });
  const casesByStatus: Partial<Record<CaseStatus, number>> = {};
  for (const r of byStatus) casesByStatus[r.status] = Number(r.n);
  const sum = (pick: (d: OverviewDay) => number) => items.reduce((total, d) => total + pick(d), 0);
  const gmv = sum((d) => d.gmv);
  const refunded = sum((d) => d.refunded);
  const merchantFaultRefunded = sum((d) => d.merchantFaultRefunded);
  const withDeadline = sum((d) => d.casesWithDeadline);
  return {
    days, from: dayList[0], to: today, timeZone: 'Asia/Shanghai',
    /** What `refundRate` counts: every refund (`faultRefundRate` counts the merchant's faults only). */
    refundRateBasis: 'all_refunds' as const,
    totals: {
      gmv, orders: sum((d) => d.orders), refunded, refundRate: gmv > 0 ? refunded / gmv : null,
      merchantFaultRefunded, faultRefundRate: gmv > 0 ? merchantFaultRefunded / gmv : null,
      casesOpened: sum((d) => d.casesOpened), casesDecided: sum((d) => d.casesDecided),
      slaMetPct: withDeadline > 0 ? Math.round((sum((d) => d.casesDecidedInTime) / withDeadline) * 1000) / 10 : null,
    },
    fundBalance: fundNow,
    casesByStatus,
    items,
  };
}
