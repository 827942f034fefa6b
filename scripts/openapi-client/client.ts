/**
 * A small typed client over the types openapi-typescript generates from /api/openapi.json
 * (scripts/openapi-check.sh writes them to ./kameng-api.d.ts, not committed). It only has to
 * type-check: a response schema that loses a field, or an operationId that changes, fails CI here.
 */
import type { components, operations, paths } from './kameng-api';

type Json<O extends keyof operations, S extends keyof operations[O]['responses']> =
  operations[O]['responses'][S] extends { content: { 'application/json': infer T } } ? T : never;

export type ProductList = Json<'listProducts', 200>;
export type Order = Json<'createOrder', 201>;
export type ErrorBody = components['schemas']['ErrorBody'];

async function call<T>(base: string, path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const res = await fetch(`${base}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) } });
  if (!res.ok) {
    const { error }: ErrorBody = await res.json();
    throw new Error(`${error.code}: ${error.message}${error.rule ? ` (${error.rule})` : ''}`);
  }
  return res.json() as Promise<T>;
}

/** The cheapest product in stock: uses the typed list (items, price in fen, stock). */
export async function cheapestInStock(base: string): Promise<{ id: string; title: string; price: number } | undefined> {
  const query: NonNullable<paths['/api/products']['get']['parameters']['query']> = { sort: 'price_asc', limit: 20 };
  const list = await call<ProductList>(base, `/api/products?sort=${query.sort}&limit=${query.limit}`);
  const product = list.items.find((item) => item.stock === null || item.stock === undefined || item.stock > 0);
  return product && { id: product.id, title: product.title, price: product.price };
}

/** Places an order for a signed-in buyer: the 201 answer's typed fields. */
export async function buy(base: string, token: string, productId: string): Promise<string> {
  const body: operations['createOrder']['requestBody'] = { content: { 'application/json': { productId, quantity: 1, channel: 'sandbox' } } };
  const order = await call<Order>(base, '/api/orders', { method: 'POST', token, body: JSON.stringify(body.content['application/json']) });
  return `${order.order.id}: ${order.order.amount} fen`;
}
