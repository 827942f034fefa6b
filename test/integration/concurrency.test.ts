import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { summarizeLoggedErrors, useTestApp } from '../support/harness';

const t = useTestApp({ captureErrors: true });

describe('concurrent checkouts, callbacks and retries', () => {
  it('40 buyers racing for 20 keys: exactly 20 orders, 20 distinct keys, 20 OUT_OF_STOCK, stock 0', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 20, price: 500 });
    const buyers = await Promise.all(Array.from({ length: 40 }, () => t.api.user('buyer')));

    const attempts = await Promise.all(buyers.map(async (buyer) => {
      const created = await t.api.call('POST', '/api/orders', {
        token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { productId: product.id, quantity: 1, channel: 'sandbox' },
      });
      if (created.status !== 201) return { buyer, created };
      const paid = await t.api.call('POST', `/api/sandbox/payments/${created.body.payment.id}/succeed`);
      return { buyer, created, paid };
    }));

    const won = attempts.filter((a) => a.created.status === 201);
    const lost = attempts.filter((a) => a.created.status !== 201);
    expect(won).toHaveLength(20);
    expect(lost).toHaveLength(20);
    for (const a of lost) {
      expect(a.created.status).toBe(409);
      expect(a.created.body.error.code).toBe('OUT_OF_STOCK');
    }
    for (const a of won) expect(a.paid?.status).toBe(200);

    const codes = await Promise.all(won.map(async ({ buyer, created }) => {
      const order = await t.api.ok('GET', `/api/orders/${created.body.order.id}`, { token: buyer.token });
      expect(order.status).toBe('delivered');
      const revealed = await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
      expect(revealed.keys).toHaveLength(1);
      return revealed.keys[0].code as string;
    }));
    expect(new Set(codes).size).toBe(20);
    expect([...codes].sort()).toEqual([...product.codes].sort());

    const listed = await t.api.ok('GET', `/api/products/${product.id}`);
    expect(listed.stock).toBe(0);

    const keys = await t.kameng.ctx.db.selectFrom('card_keys').select(['id', 'status', 'order_id']).where('product_id', '=', product.id).execute();
    expect(keys).toHaveLength(20);
    expect(keys.every((k) => k.status === 'sold')).toBe(true);
    const wonOrderIds = won.map((a) => a.created.body.order.id as string);
    expect(new Set(keys.map((k) => k.order_id)).size).toBe(20);
    expect([...keys.map((k) => k.order_id)].sort()).toEqual([...wonOrderIds].sort());
    // Each key is tied to exactly one order item, and each item to its own key.
    const items = await t.kameng.ctx.db.selectFrom('order_items').select(['order_id', 'card_key_id'])
      .where('order_id', 'in', wonOrderIds).execute();
    expect(items).toHaveLength(20);
    expect(new Set(items.map((i) => i.card_key_id)).size).toBe(20);
    for (const item of items) expect(keys.find((k) => k.id === item.card_key_id)?.order_id).toBe(item.order_id);
    // Losers left nothing behind: no order rows for them.
    const orders = await t.kameng.ctx.db.selectFrom('orders').select('id').where('product_id', '=', product.id).execute();
    expect(orders).toHaveLength(20);
  });

  it('the same payment callback fired 10× at once delivers once and books one order_payment entry', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 3, price: 1_234 });
    const buyer = await t.api.user('buyer');
    const { order, payment } = await t.api.buy(buyer, product.id);

    const callbacks = await Promise.all(Array.from({ length: 10 }, () => t.api.call('POST', `/api/sandbox/payments/${payment.id}/succeed`)));
    for (const callback of callbacks) {
      expect(callback.status).toBe(200);
      expect(callback.body.payment.status).toBe('succeeded');
    }
    expect(callbacks.filter((c) => c.body.replayed === false)).toHaveLength(1);

    const view = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(view.status).toBe('delivered');
    expect(view.paid).toBe(1_234);
    expect(view.amount).toBe(1_234);
    expect(view.deliveries).toHaveLength(1);
    const db = t.kameng.ctx.db;
    const entries = await db.selectFrom('journal_entries').select('id').where('order_id', '=', order.id).where('kind', '=', 'order_payment').execute();
    expect(entries).toHaveLength(1);
    const sold = await db.selectFrom('card_keys').select('id').where('order_id', '=', order.id).where('status', '=', 'sold').execute();
    expect(sold).toHaveLength(1);
    const events = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(events.events.filter((e: any) => e.type === 'paid')).toHaveLength(1);
    expect(events.events.filter((e: any) => e.type === 'delivered')).toHaveLength(1);
    const listed = await t.api.ok('GET', `/api/products/${product.id}`);
    expect(listed.stock).toBe(2);
  });

  it('the same Idempotency-Key sent 5× at once creates one order and answers the same each time', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 5 });
    const buyer = await t.api.user('buyer');
    const key = randomUUID();
    const body = { productId: product.id, quantity: 1, channel: 'sandbox' };

    const responses = await Promise.all(Array.from({ length: 5 }, () => t.api.call('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': key }, body })));
    for (const res of responses) {
      expect(res.status).toBe(201);
      expect(res.body).toEqual(responses[0].body);
    }
    expect(responses[0].body.order.id).toEqual(expect.any(String));

    const orders = await t.kameng.ctx.db.selectFrom('orders').select('id').where('buyer_id', '=', buyer.user.id).execute();
    expect(orders).toHaveLength(1);
    const payments = await t.kameng.ctx.db.selectFrom('payments').select('id').where('order_id', '=', orders[0].id).execute();
    expect(payments).toHaveLength(1);
    const reserved = await t.kameng.ctx.db.selectFrom('card_keys').select('id').where('product_id', '=', product.id).where('status', '=', 'reserved').execute();
    expect(reserved).toHaveLength(1);

    // A later retry replays too.
    const retry = await t.api.call('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': key }, body });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(responses[0].body);
  });

  it('a checkout retried with its Idempotency-Key after the product went off sale replays the order, not a 404', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2 });
    const buyer = await t.api.user('buyer');
    const key = randomUUID();
    const body = { productId: product.id, quantity: 1, channel: 'sandbox' };
    const first = await t.api.call('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': key }, body });
    expect(first.status).toBe(201);
    await t.kameng.ctx.db.updateTable('products').set({ status: 'inactive' }).where('id', '=', product.id).execute();
    const retry = await t.api.call('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': key }, body });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const fresh = await t.api.call('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body });
    expect(fresh.status).toBe(404);
  });

  it('the same Idempotency-Key from two different buyers creates two orders: keys are scoped per buyer', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2 });
    const [first, second] = await Promise.all([t.api.user('buyer'), t.api.user('buyer')]);
    const key = randomUUID();
    const body = { productId: product.id, quantity: 1, channel: 'sandbox' };
    const [a, b] = await Promise.all([first, second].map((buyer) => t.api.ok('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': key }, body })));
    expect(a.order.id).not.toBe(b.order.id);
    expect(await t.api.ok('GET', `/api/orders/${b.order.id}`, { token: second.token })).toMatchObject({ id: b.order.id });
    expect((await t.api.call('GET', `/api/orders/${b.order.id}`, { token: first.token })).status).toBe(404);
  });

  it('the same Idempotency-Key with a different body is refused with 409 IDEMPOTENCY_KEY_REUSED and creates nothing', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 5 });
    const buyer = await t.api.user('buyer');
    const key = randomUUID();
    await t.api.ok('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': key }, body: { productId: product.id, quantity: 1, channel: 'sandbox' } });

    const reused = await t.api.call('POST', '/api/orders', { token: buyer.token, headers: { 'idempotency-key': key }, body: { productId: product.id, quantity: 2, channel: 'sandbox' } });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const orders = await t.kameng.ctx.db.selectFrom('orders').select('quantity').where('buyer_id', '=', buyer.user.id).execute();
    expect(orders.map((o) => o.quantity)).toEqual([1]);
  });

  it('the same Idempotency-Key with different bodies at once: one order, the others replay or get 409', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 10 });
    const buyer = await t.api.user('buyer');
    const key = randomUUID();
    const responses = await Promise.all([1, 2, 3, 1, 2].map((quantity) => t.api.call('POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': key }, body: { productId: product.id, quantity, channel: 'sandbox' },
    })));
    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of created) expect(r.body.order.id).toBe(created[0].body.order.id);
    for (const r of responses.filter((res) => res.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    const orders = await t.kameng.ctx.db.selectFrom('orders').select('id').where('buyer_id', '=', buyer.user.id).execute();
    expect(orders).toHaveLength(1);
  });

  it('buyers of 2 keys each racing for 9 keys never oversell: each winner gets 2 distinct keys, losers reserve nothing', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 9, price: 100 });
    const buyers = await Promise.all(Array.from({ length: 8 }, () => t.api.user('buyer')));
    const attempts = await Promise.all(buyers.map((buyer) => t.api.call('POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { productId: product.id, quantity: 2, channel: 'sandbox' },
    })));
    const won = attempts.filter((a) => a.status === 201);
    expect(won.length).toBeGreaterThanOrEqual(1);
    expect(won.length).toBeLessThanOrEqual(4);
    for (const a of attempts.filter((res) => res.status !== 201)) expect(a.body.error.code).toBe('OUT_OF_STOCK');
    const keys = await t.kameng.ctx.db.selectFrom('card_keys').select(['id', 'status', 'order_id']).where('product_id', '=', product.id).execute();
    const reserved = keys.filter((k) => k.status === 'reserved');
    expect(reserved).toHaveLength(2 * won.length);
    for (const a of won) expect(reserved.filter((k) => k.order_id === a.body.order.id)).toHaveLength(2);
    expect(keys.filter((k) => k.status === 'available' && k.order_id === null)).toHaveLength(9 - 2 * won.length);
    expect((await t.api.ok('GET', `/api/products/${product.id}`)).stock).toBe(9 - 2 * won.length);
    await t.api.advance(16); // let the unpaid orders expire so later tests start clean
  });

  it('12 buyers racing for 5 units of counted stock: exactly 5 orders, stock ends at 0, never below', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { type: 'manual', stockPolicy: 'limited', stock: 5, price: 300 });
    const buyers = await Promise.all(Array.from({ length: 12 }, () => t.api.user('buyer')));
    const attempts = await Promise.all(buyers.map((buyer) => t.api.call('POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { productId: product.id, quantity: 1, channel: 'sandbox' },
    })));
    expect(attempts.filter((a) => a.status === 201)).toHaveLength(5);
    for (const a of attempts.filter((res) => res.status !== 201)) {
      expect(a.status).toBe(409);
      expect(a.body.error.code).toBe('OUT_OF_STOCK');
    }
    expect((await t.api.ok('GET', `/api/products/${product.id}`)).stock).toBe(0);
    await t.api.advance(16);
    expect((await t.api.ok('GET', `/api/products/${product.id}`)).stock).toBe(5);
  });

  it('a payment racing the expiry of its order delivers exactly once, whichever wins', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1, price: 600 });
    const buyer = await t.api.user('buyer');
    const { order, payment } = await t.api.buy(buyer, product.id);
    await t.api.advance(14);
    const [, paid] = await Promise.all([t.api.advance(2), t.api.call('POST', `/api/sandbox/payments/${payment.id}/succeed`)]);
    expect(paid.status).toBe(200);
    const view = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(view.status).toBe('delivered');
    expect(view.paid).toBe(600);
    expect(view.refunded).toBe(0);
    const keys = await t.kameng.ctx.db.selectFrom('card_keys').select(['status', 'order_id']).where('product_id', '=', product.id).execute();
    expect(keys).toEqual([{ status: 'sold', order_id: order.id }]);
    const entries = await t.kameng.ctx.db.selectFrom('journal_entries').select('id').where('order_id', '=', order.id).where('kind', '=', 'order_payment').execute();
    expect(entries).toHaveLength(1);
  });

  it('a supplier success racing the top-up timeout either delivers or refunds, never both', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { type: 'topup', price: 2_000 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id, { topupAccount: 'racer_001' });
    await t.api.advance(29);
    const [, answer] = await Promise.all([t.api.advance(2), t.api.call('POST', `/api/sandbox/topups/${order.id}/respond`, { body: { result: 'success' } })]);
    const view = await t.api.ok('GET', `/api/orders/${order.id}`, { token: buyer.token });
    if (answer.status === 200) {
      expect(view.status).toBe('delivered');
      expect(view.refunds).toEqual([]);
    } else {
      expect(answer.status).toBe(409);
      expect(view.status).toBe('refunded');
      expect(view.refunds).toHaveLength(1);
      expect(view.refunded).toBe(2_000);
    }
  });

  it('buyer confirm racing auto-confirm settles once', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 1, price: 1_000 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    await t.api.advance(24 * 60 - 1);
    await Promise.all([t.api.advance(2), t.api.call('POST', `/api/orders/${order.id}/confirm`, { token: buyer.token })]);
    const entries = await t.kameng.ctx.db.selectFrom('journal_entries').select('id').where('order_id', '=', order.id).where('kind', '=', 'settlement').execute();
    expect(entries).toHaveLength(1);
    expect((await t.api.balance(shop)).available).toBe(980);
  });

  it('concurrent wallet checkouts never spend more than the wallet holds', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 10, price: 1_000 });
    const buyer = await t.api.user('buyer');
    await t.api.fundWallet(buyer, 3_500);
    const attempts = await Promise.all(Array.from({ length: 5 }, () => t.api.call('POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { productId: product.id, quantity: 1, channel: 'balance' },
    })));
    expect(attempts.filter((a) => a.status === 201)).toHaveLength(3);
    for (const a of attempts.filter((res) => res.status !== 201)) {
      expect(a.status).toBe(409);
      // Refused on the balance as the checkouts before it left it (the lock waited for them), never a stale one.
      expect(a.body.error).toMatchObject({ code: 'INSUFFICIENT_BALANCE', details: { balance: 500 } });
    }
    expect(await t.api.wallet(buyer)).toBe(500);
    const listed = await t.api.ok('GET', `/api/products/${product.id}`);
    expect(listed.stock).toBe(7);
  });

  it('concurrent payments of many orders by different buyers all deliver with the ledger balanced', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 15, price: 700 });
    const buyers = await Promise.all(Array.from({ length: 15 }, () => t.api.user('buyer')));
    const created = await Promise.all(buyers.map((b) => t.api.buy(b, product.id)));
    const paid = await Promise.all(created.map((c) => t.api.call('POST', `/api/sandbox/payments/${c.payment.id}/succeed`)));
    for (const p of paid) expect(p.status).toBe(200);
    // The shop's first settlements: they create its merchant accounts, racing each other to.
    const loggedFrom = t.loggedErrors.length;
    const confirmed = await Promise.all(created.map((c, i) => t.api.call('POST', `/api/orders/${c.order.id}/confirm`, { token: buyers[i].token })));
    expect({ statuses: confirmed.map((c) => c.status), logged: summarizeLoggedErrors(t.loggedErrors.slice(loggedFrom)) })
      .toEqual({ statuses: confirmed.map(() => 200), logged: [] });
    const balance = await t.api.balance(shop);
    expect(balance.available).toBe(15 * (700 - 14));
    expect(balance.escrow).toBe(0);
  });
});
