import { randomUUID } from 'node:crypto';
import type { Db } from '../../../src/db/connect';
import type { Api, Res, Session } from '../api';

/**
 * What the model-based concurrency test knows about one run: the actors, the shops and products it
 * created, and the orders and cases as they stood after the last batch (re-read from the database
 * between batches, since concurrent requests make the outcome of each one uncertain).
 */
export interface World {
  api: Api;
  db: Db;
  admin: Session;
  staff: Session[];
  buyers: Array<Session & { wallet: boolean }>;
  merchants: Session[];
  shops: Array<{ merchant: Session; shopId: string }>;
  products: Array<{ id: string; shop: number; price: number }>;
  orders: OrderModel[];
  cases: CaseModel[];
  /** Every key code a buyer was shown, with the order that showed it: a code shown to two orders was sold twice. */
  revealed: Map<string, string>;
  /** Answers nobody may get: 5xx, a deadlock or serialization failure, or a status the operation does not allow. */
  faults: string[];
  /** How often each operation got each answer (`confirm 409 ORDER_ON_HOLD`), for the run's summary. */
  tally: Map<string, number>;
  /** Minutes the sandbox clock moved in this run. */
  advancedMinutes: number;
}

export interface OrderModel {
  id: string;
  buyer: number;
  product: number;
  paymentId: string | null;
  status: string;
  paid: number;
  refunded: number;
}

export interface CaseModel {
  id: string;
  orderId: string;
  status: string;
  appealCount: number;
  firstDeciderId: string | null;
}

export const casePartiesOpen = ['awaiting_merchant', 'awaiting_buyer', 'under_arbitration', 'awaiting_evidence', 'appealed'];

/** Users are shared by every run of a file (argon2 hashing is slow); shops, products, orders are per run. */
export async function makeActors(api: Api, counts: { buyers: number; merchants: number; walletBuyers: number }) {
  const [admin, staffA, staffB] = await Promise.all([api.user('admin'), api.user('staff'), api.user('staff')]);
  const buyers = await Promise.all(Array.from({ length: counts.buyers }, () => api.user('buyer')));
  const merchants = await Promise.all(Array.from({ length: counts.merchants }, () => api.user('merchant')));
  const withWallets = buyers.map((b, i) => ({ ...b, wallet: i < counts.walletBuyers }));
  return { admin, staff: [staffA, staffB], buyers: withWallets, merchants };
}

/**
 * A run's market: one shop per merchant with the minimum deposit (so refunds soon reach the
 * deposit and the 先行赔付 fund), card-key products with a handful of keys each (stock runs out) and
 * a three-day after-sales window (cases outlive auto-confirm), some allowing no-reason refunds;
 * wallets topped up a little.
 */
export async function openMarket(world: World, options: { productsPerShop: number; keysPerProduct: number; walletAmount: number }): Promise<void> {
  const { api } = world;
  world.shops = await Promise.all(world.merchants.map(async (merchant) => {
    const shop = await api.ok('POST', '/api/shops', { token: merchant.token, body: { name: `Model ${randomUUID().slice(0, 12)}` } });
    const { payment } = await api.ok('POST', `/api/shops/${shop.id}/deposit`, { token: merchant.token, body: { amount: 1_000, channel: 'sandbox' } });
    await api.ok('POST', `/api/sandbox/payments/${payment.id}/succeed`);
    return { merchant, shopId: shop.id as string };
  }));
  world.products = [];
  for (const [shopIndex, shop] of world.shops.entries()) {
    for (let p = 0; p < options.productsPerShop; p += 1) {
      const price = [500, 800, 1_000, 1_500][(shopIndex + p) % 4];
      const product = await api.ok('POST', '/api/products', {
        token: shop.merchant.token,
        body: { shopId: shop.shopId, title: `Model key ${shopIndex}-${p}`, type: 'card_key', price, afterSalesWindowMinutes: 4_320, ...(p % 2 === 1 ? { noReasonRefund: { allowed: true, feeRate: 500 } } : {}) },
      });
      const keys = Array.from({ length: options.keysPerProduct }, () => `MODEL-${randomUUID()}`);
      await api.ok('POST', `/api/products/${product.id}/keys`, { token: shop.merchant.token, body: { keys } });
      world.products.push({ id: product.id, shop: shopIndex, price });
    }
  }
  await Promise.all(world.buyers.filter((b) => b.wallet).map(async (buyer) => {
    const { payment } = await api.ok('POST', '/api/wallet/topups', { token: buyer.token, body: { amount: options.walletAmount, channel: 'sandbox' } });
    await api.ok('POST', `/api/sandbox/payments/${payment.id}/succeed`);
  }));
}

/** Re-reads the run's orders and cases after a batch, so the next batch picks plausible targets. */
export async function syncWorld(world: World): Promise<void> {
  if (world.orders.length > 0) {
    const rows = await world.db.selectFrom('orders').select(['id', 'status', 'paid', 'refunded']).where('id', 'in', world.orders.map((o) => o.id)).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const order of world.orders) {
      const row = byId.get(order.id);
      if (row) Object.assign(order, { status: row.status, paid: row.paid, refunded: row.refunded });
    }
  }
  const cases = await world.db.selectFrom('refund_cases').select(['id', 'order_id', 'status', 'appeal_count', 'first_decider_id'])
    .where('shop_id', 'in', world.shops.map((s) => s.shopId)).orderBy('created_at').execute();
  world.cases = cases.map((c) => ({ id: c.id, orderId: c.order_id, status: c.status, appealCount: c.appeal_count, firstDeciderId: c.first_decider_id }));
}

const faultPattern = /deadlock|40P01|40001|could not serialize|serialization/i;

/**
 * Judges one answer: 2xx is fine; a 4xx is fine when the operation lists its status and code
 * (`'*'` for any code of that status); anything else, every 5xx, and any body naming a deadlock
 * or a serialization failure is a fault.
 */
export function judge(world: World, label: string, res: Res, allowed: Record<number, string[] | '*'> = {}): boolean {
  const code: string = res.body?.error?.code ?? '';
  world.tally.set(`${label} ${res.status}${code ? ` ${code}` : ''}`, (world.tally.get(`${label} ${res.status}${code ? ` ${code}` : ''}`) ?? 0) + 1);
  // Only an error body can name a deadlock: a 2xx body may hold any digits (an order number containing 40001).
  if (res.status < 300) return true;
  const text = JSON.stringify(res.body ?? '');
  const ok = res.status < 500 && !faultPattern.test(text) && (allowed[res.status] === '*' || (allowed[res.status] ?? []).includes(code));
  if (!ok) world.faults.push(`${label} → ${res.status} ${code} ${res.body?.error?.message ?? text.slice(0, 200)}`);
  return false;
}
