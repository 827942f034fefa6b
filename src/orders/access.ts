import type { Actor, Caller } from '../context';
import type { Db, Tx } from '../db/connect';
import type { Order } from '../db/schema';
import { notFound } from '../shared/errors';
import { orderRowLocked } from '../timeline/timeline';

export type OrderRole = 'buyer' | 'merchant' | 'staff';

/**
 * The order and the actor's relation to it. Anyone without a relation gets the same 404 as for a
 * missing order, so order ids leak nothing. `lock` takes the row lock for a state change.
 */
export async function loadOrderFor(
  db: Db | Tx, actor: Actor, orderId: string, allowed: OrderRole[], lock = false,
): Promise<{ order: Order; role: OrderRole }> {
  let query = db.selectFrom('orders').selectAll().where('id', '=', orderId);
  if (lock) query = query.forUpdate();
  const order = await query.executeTakeFirst();
  if (!order) throw notFound('order');
  if (lock && db.isTransaction) orderRowLocked(db as Tx, order.id);
  const role = await relation(db, actor, order);
  if (!role || !allowed.includes(role)) throw notFound('order');
  return { order, role };
}

/** Buyer (account or the order's guest token), merchant (owner or that shop's API key), staff — or none. */
export async function relation(db: Db | Tx, actor: Caller, order: Order): Promise<OrderRole | null> {
  switch (actor.kind) {
    case 'guest': return actor.orderId === order.id ? 'buyer' : null;
    case 'api_key': return actor.shopId === order.shop_id ? 'merchant' : null;
    case 'system': case 'anonymous': return null;
    case 'user': {
      if (order.buyer_id === actor.userId) return 'buyer';
      if (actor.role === 'staff' || actor.role === 'admin') return 'staff';
      if (actor.role === 'merchant') {
        const shop = await db.selectFrom('shops').select('owner_id').where('id', '=', order.shop_id).executeTakeFirst();
        if (shop?.owner_id === actor.userId) return 'merchant';
      }
      return null;
    }
  }
}

export { actorLabel } from '../context';
