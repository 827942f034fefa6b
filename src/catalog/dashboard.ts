import { sql } from 'kysely';
import { reportWindow, salesAndFaultRefunds } from '../admin/reports';
import type { Actor, Ctx } from '../context';
import { ruleNumber } from '../rules/rule-sets';
import { loadOwnedShop } from './shops';
import { availableKeysSql } from './stock';

export const dashboardDaysMax = 90;
export const stockAlertsMax = 100;

export interface DashboardDay {
  /** Asia/Shanghai calendar day, YYYY-MM-DD. */
  day: string;
  /** What buyers paid for the shop's orders paid that day (net of coupons), in fen. */
  gmv: number;
  orders: number;
  refunded: number;
  merchantFaultRefunded: number;
  /** merchantFaultRefunded / gmv, 0..1; null without sales — the rate the platform demotes shops by. */
  faultRefundRate: number | null;
}

export interface StockAlert { productId: string; title: string; stockPolicy: 'keys' | 'limited'; available: number }

/**
 * 商家看板: the shop's daily sales and merchant-fault refund rate (the admin report's queries, for one
 * shop), products whose stock is under `merchant.stock-alert-threshold`, and the cases waiting for the
 * merchant. The owner, staff and admins may read it; anyone else gets the 404 of a missing shop.
 */
export async function shopDashboard(ctx: Ctx, actor: Actor, shopId: string, days: number) {
  const shop = await loadOwnedShop(ctx.db, actor, shopId, true);
  const rules = await ctx.rules.current();
  const threshold = ruleNumber(rules, 'merchant.stock-alert-threshold');
  const { today, from, until, dayList } = reportWindow(ctx.clock.now(), days);
  const [[sales, faults], stock, waiting] = await Promise.all([
    salesAndFaultRefunds(ctx.db, from, until, shop.id),
    sql<{ id: string; title: string; stock_policy: 'keys' | 'limited'; available: string }>`
      select p.id, p.title, p.stock_policy,
        case when p.stock_policy = 'keys'
          then ${availableKeysSql(sql`p.id`)}
          else p.stock_limited end as available
      from products p
      where p.shop_id = ${shop.id} and p.status = 'active' and p.stock_policy in ('keys', 'limited')
    `.execute(ctx.db),
    ctx.db.selectFrom('refund_cases').innerJoin('orders', 'orders.id', 'refund_cases.order_id')
      .select((eb) => eb.fn.countAll<string>().as('n')).where('orders.shop_id', '=', shop.id)
      .where((eb) => eb.or([
        eb('refund_cases.status', '=', 'awaiting_merchant'),
        eb.and([eb('refund_cases.status', '=', 'awaiting_evidence'), eb('refund_cases.evidence_party', '=', 'merchant')]),
      ])).executeTakeFirstOrThrow(),
  ]);
  const salesBy = new Map(sales.map((r) => [r.day, r]));
  const faultBy = new Map(faults.map((r) => [r.day, Number(r.amount)]));
  const items: DashboardDay[] = dayList.map((day) => {
    const gmv = Number(salesBy.get(day)?.gmv ?? 0);
    const merchantFaultRefunded = faultBy.get(day) ?? 0;
    return {
      day, gmv, orders: Number(salesBy.get(day)?.orders ?? 0), refunded: Number(salesBy.get(day)?.refunded ?? 0),
      merchantFaultRefunded, faultRefundRate: gmv > 0 ? merchantFaultRefunded / gmv : null,
    };
  });
  const gmv = items.reduce((sum, d) => sum + d.gmv, 0);
  const merchantFaultRefunded = items.reduce((sum, d) => sum + d.merchantFaultRefunded, 0);
  const stockAlerts: StockAlert[] = stock.rows
    .map((r) => ({ productId: r.id, title: r.title, stockPolicy: r.stock_policy, available: Number(r.available ?? 0) }))
    .filter((r) => r.available < threshold)
    .sort((a, b) => a.available - b.available || a.title.localeCompare(b.title))
    .slice(0, stockAlertsMax);
  return {
    shopId: shop.id, days, from: dayList[0], to: today, timeZone: 'Asia/Shanghai',
    totals: {
      gmv, orders: items.reduce((sum, d) => sum + d.orders, 0), refunded: items.reduce((sum, d) => sum + d.refunded, 0),
      merchantFaultRefunded, faultRefundRate: gmv > 0 ? merchantFaultRefunded / gmv : null,
    },
    items,
    stockAlertThreshold: threshold,
    stockAlerts,
    casesWaiting: Number(waiting.n),
  };
}
