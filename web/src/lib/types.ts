/**
 * The API's view shapes, taken from the server's own types (type-only imports vanish from the
 * bundle), so a field renamed on the server breaks `npm run typecheck` instead of the page.
 */
export type { UserView } from '../../../src/accounts/users';
export type { ProductView } from '../../../src/catalog/products';
export type { ShopView, ShopBalance } from '../../../src/catalog/shops';
export type { OrderView } from '../../../src/orders/views';
export type { OrderSummary } from '../../../src/orders/queries';
export type { PaymentView } from '../../../src/payments/payments';
export type { TimelineEvent } from '../../../src/timeline/timeline';
export type { CreatedOrder } from '../../../src/orders/create-order';

export interface Page<T> {
  items: T[];
  total: number;
}

export interface RevealedKey {
  id: string;
  itemId: string;
  code: string;
  revealedAt: string;
}
