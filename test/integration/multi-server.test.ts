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
});
