import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createKameng } from '../../src/app';
import { openDatabase } from '../../src/db/connect';
import { engine } from '../support/databases';
import { useTestApp } from '../support/harness';

const t = useTestApp();

describe('two servers on one PostgreSQL', () => {
  it.skipIf(engine() !== 'postgres')('share the expiry sweep through SKIP LOCKED: every expiry runs exactly once', async () => {
    const second = await createKameng({
      database: await openDatabase({ databaseUrl: t.databaseUrl, poolSize: 6 }),
      logger: pino({ level: 'silent' }),
      config: { sandbox: true, secret: 'test-secret-not-for-production', topupSimulator: 'manual', schedulerIntervalMs: 0, dataDir: '/tmp/kameng-test', logLevel: 'silent' },
    });
    try {
      const shop = await t.api.makeShop();
      const product = await t.api.makeProduct(shop, { keys: 40 });
      const buyers = await Promise.all(Array.from({ length: 8 }, () => t.api.user('buyer')));
      const orders = (await Promise.all(buyers.flatMap((b) => Array.from({ length: 5 }, () => t.api.buy(b, product.id))))).map((o) => o.order.id);
      expect(await t.api.ok('GET', `/api/products/${product.id}`).then((p) => p.stock)).toBe(0);

      // Both servers' clocks pass the expiry; both schedulers then claim concurrently.
      t.kameng.ctx.clock.advance(16);
      second.ctx.clock.advance(16);
      const [ranFirst, ranSecond] = await Promise.all([t.kameng.ctx.scheduler.runDue(), second.ctx.scheduler.runDue()]);
      expect(ranFirst + ranSecond).toBe(orders.length);

      // Expiry is a sweep of the orders themselves: no job row per order.
      expect(await t.kameng.ctx.db.selectFrom('jobs').select('id').where('kind', '=', 'order_expire').execute()).toEqual([]);
      const cancelled = await t.kameng.ctx.db.selectFrom('order_events').select('order_id').where('type', '=', 'cancelled').execute();
      expect(cancelled).toHaveLength(orders.length);
      expect(new Set(cancelled.map((c) => c.order_id)).size).toBe(orders.length);
      expect(await t.api.ok('GET', `/api/products/${product.id}`).then((p) => p.stock)).toBe(40);
    } finally {
      await second.close();
      await second.database.close();
    }
  });

  it.skipIf(engine() !== 'postgres')('settle due auto-confirms in batches together: every order settles exactly once, chains and ledger intact', async () => {
    const second = await createKameng({
      database: await openDatabase({ databaseUrl: t.databaseUrl, poolSize: 6 }),
      logger: pino({ level: 'silent' }),
      config: { sandbox: true, secret: 'test-secret-not-for-production', topupSimulator: 'manual', schedulerIntervalMs: 0, dataDir: '/tmp/kameng-test', logLevel: 'silent' },
    });
    try {
      const shops = await Promise.all([t.api.makeShop(), t.api.makeShop()]);
      const products = await Promise.all(shops.map((shop) => t.api.makeProduct(shop, { keys: 12, price: 1_000 })));
      const buyers = await Promise.all(Array.from({ length: 4 }, () => t.api.user('buyer')));
      const orders: string[] = [];
      for (const [i, buyer] of buyers.entries()) {
        for (const product of products) for (let n = 0; n < 3; n += 1) orders.push((await t.api.buyAndPay(buyer, product.id)).id as string);
        if (i === 0) expect((await t.api.ok('GET', `/api/orders/${orders[0]}`, { token: buyer.token })).status).toBe('delivered');
      }
      const settledCount = () => t.kameng.ctx.db.selectFrom('journal_entries').select('order_id').where('kind', '=', 'settlement').where('order_id', 'in', orders).execute();
      expect(await settledCount()).toEqual([]);

      t.kameng.ctx.clock.advance(24 * 60 + 1);
      second.ctx.clock.advance(24 * 60 + 1);
      await Promise.all([t.kameng.ctx.scheduler.runDue(), second.ctx.scheduler.runDue()]);

      const entries = await settledCount();
      expect(entries).toHaveLength(orders.length);
      expect(new Set(entries.map((e) => e.order_id)).size).toBe(orders.length);
      const events = await t.kameng.ctx.db.selectFrom('order_events').select('order_id').where('type', '=', 'settled').where('order_id', 'in', orders).execute();
      expect(events).toHaveLength(orders.length);
      const rows = await t.kameng.ctx.db.selectFrom('orders').select(['status', 'settled', 'paid']).where('id', 'in', orders).execute();
      expect(rows.every((o) => o.status === 'completed' && o.settled === o.paid)).toBe(true);
      const jobs = await t.kameng.ctx.db.selectFrom('jobs').select(['status']).where('kind', '=', 'auto_confirm').where('ref_id', 'in', orders).execute();
      expect(jobs.map((j) => j.status)).toEqual(orders.map(() => 'done'));
      for (const shop of shops) expect((await t.api.balance(shop)).escrow).toBe(0);
      for (const [i, id] of orders.entries()) {
        const timeline = await t.api.ok('GET', `/api/orders/${id}/timeline`, { token: buyers[Math.floor(i / 6)].token });
        expect(timeline.verified).toBe(true);
        expect(timeline.events.at(-1)).toMatchObject({ type: 'settled', data: { trigger: 'auto_confirmed', amount: 1_000 } });
      }
    } finally {
      await second.close();
      await second.database.close();
    }
  });
});
