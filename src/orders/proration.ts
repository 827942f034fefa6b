import { invariant } from '../shared/errors';

/**
 * What refunding `units` more units of an order returns when `refundedUnits` of its `quantity` units
 * are already refunded and the units together cost `total` fen (what was actually paid, net of any
 * coupon): the round-down share of everything refunded so far minus what the earlier refunds
 * returned. The shares telescope, so the refund that reaches the last unit gets the remainder and
 * the refunds of all units add up to `total` exactly, in whatever order and groups they come.
 */
export function unitsRefund(p: { total: number; quantity: number; refundedUnits: number; units: number }): number {
  invariant(Number.isSafeInteger(p.total) && p.total >= 0, 'unit total must be whole fen');
  invariant(p.quantity > 0 && p.refundedUnits >= 0 && p.units >= 0 && p.refundedUnits + p.units <= p.quantity, 'units out of range');
  const shareOf = (count: number) => Math.floor((p.total * count) / p.quantity);
  return shareOf(p.refundedUnits + p.units) - shareOf(p.refundedUnits);
}

/** Each unit's part of the order amount for display and per-unit records: the round-down share, the remainder on the last. */
export function unitAmounts(total: number, quantity: number): number[] {
  return Array.from({ length: quantity }, (_, i) => unitsRefund({ total, quantity, refundedUnits: i, units: 1 }));
}
