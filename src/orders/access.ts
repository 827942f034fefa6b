import type { Actor } from '../context';
import type { Db, Tx } from '../db/connect';
import type { Order } from '../db/schema';
import { AppError, notFound } from '../shared/errors';

export type OrderRole = 'buyer' | 'merchant' | 'staff';

/**
 * The order and the actor's relation to it. Anyone without a relation gets the same 404 as for a
 * missing order, so order ids leak nothing. `lock` takes the row lock for a state change.
 */
export async function loadOrderFor(
  db: Db | Tx, actor: Actor | null, orderId: string, allowed: OrderRole[], lock = false,
): Promise<{ order: Order; role: OrderRole }> {
  if (!actor) throw new AppError('UNAUTHENTICATED', 401, 'sign in, or look the order up with its query password');
  let query = db.selectFrom('orders').selectAll().where('id', '=', orderId);
  if (lock) query = query.forUpdate();
  const order = await query.executeTakeFirst();
  if (!order) throw notFound('order');
  const role = await relation(db, actor, order);
  if (!role || !allowed.includes(role)) throw notFound('order');
  return { order, role };
}

async function relation(db: Db | Tx, actor: Actor, order: Order): Promise<OrderRole | null> {
  if (actor.kind === 'guest') return actor.orderId === order.id ? 'buyer' : null;
  if (order.buyer_id === actor.userId) return 'buyer';
  if (actor.role === 'staff' || actor.role === 'admin') return 'staff';
  if (actor.role === 'merchant') {
    const shop = await db.selectFrom('shops').select('owner_id').where('id', '=', order.shop_id).executeTakeFirst();
    if (shop?.owner_id === actor.userId) return 'merchant';
  }
  return null;
}

/** Who wrote an event onto the timeline. */
export function actorLabel(actor: Actor | null): string {
  if (!actor) return 'system';
  return actor.kind === 'guest' ? 'guest' : `${actor.role}:${actor.userId}`;
}

