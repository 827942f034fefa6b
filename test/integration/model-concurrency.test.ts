import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../support/databases';
import { summarizeLoggedErrors, useTestApp } from '../support/harness';
import { brokenInvariants } from '../support/model/invariants';
import { runBatch, stepArbitrary } from '../support/model/operations';
import { makeActors, openMarket, syncWorld, type World } from '../support/model/world';

/**
 * Model-based concurrency test: seeded random plans of checkouts (wallet and gateway), repeated
 * payment callbacks, reveals, confirms, the whole after-sales flow, clock moves, withdrawals and
 * fund, deposit and wallet top-ups, fired through the HTTP API in concurrent batches. Every answer
 * must be a 2xx or a refusal the state explains; afterwards the ledger balances, no key was sold
 * twice, every paid order was delivered once and no refund was paid twice.
 *
 * Replay or explore: MODEL_SEED=<seed> MODEL_RUNS=<n> MODEL_STEPS=<n> (MODEL_VERBOSE=1 prints the
 * answers each run got). On PGlite the same plans run smaller: transactions serialise there, but
 * the invariants must hold all the same.
 */
const t = useTestApp({ captureErrors: true });

const onPostgres = engine() === 'postgres';
const runs = Number(process.env.MODEL_RUNS ?? (onPostgres ? 5 : 1));
const stepsPerRun = Number(process.env.MODEL_STEPS ?? (onPostgres ? 400 : 60));
const batchSize = onPostgres ? { min: 16, max: 32 } : { min: 4, max: 10 };
const baseSeed = Number(process.env.MODEL_SEED ?? 20_261_201);
const seeds = Array.from({ length: runs }, (_, i) => baseSeed + i);

const planArbitrary = fc.record({
  steps: fc.array(stepArbitrary, { minLength: stepsPerRun, maxLength: stepsPerRun }),
  batchSizes: fc.array(fc.integer(batchSize), { minLength: stepsPerRun, maxLength: stepsPerRun }),
});

let actors: Awaited<ReturnType<typeof makeActors>>;
beforeAll(async () => {
  actors = await makeActors(t.api, onPostgres ? { buyers: 20, merchants: 3, walletBuyers: 10 } : { buyers: 8, merchants: 2, walletBuyers: 4 });
});

function countBy(items: string[]): string[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].map(([item, n]) => (n > 1 ? `${item} (×${n})` : item));
}

describe(`model-based concurrency (${runs} runs × ${stepsPerRun} steps on ${engine()})`, () => {
  it.each(seeds)('seed %i: every answer is a 2xx or a refusal the state explains, and every invariant holds', async (seed) => {
    const world: World = {
      api: t.api, db: t.kameng.ctx.db, ...actors, buyers: actors.buyers.map((b) => ({ ...b })),
      shops: [], products: [], orders: [], cases: [], revealed: new Map(), faults: [], tally: new Map(), advancedMinutes: 0,
    };
    const since = new Date((await t.api.ok('GET', '/api/sandbox/clock')).now);
    const loggedFrom = t.loggedErrors.length;
    await openMarket(world, { productsPerShop: 2, keysPerProduct: onPostgres ? 6 : 4, walletAmount: 3_000 });
    // A small fund: some refunds are paid by it, some wait until an admin top-up arrives.
    await t.api.ok('POST', '/api/admin/fund/topups', { token: world.admin.token, body: { amount: 1_500 } });

    const [plan] = fc.sample(planArbitrary, { seed, numRuns: 1 });
    for (let start = 0, batch = 0; start < plan.steps.length; batch += 1) {
      const size = plan.batchSizes[batch];
      await runBatch(world, plan.steps.slice(start, start + size));
      await syncWorld(world);
      start += size;
    }

    const ledgerCheck = () => t.api.call('GET', '/api/admin/ledger/check', { token: world.admin.token });
    const broken = await brokenInvariants(world.db, ledgerCheck, { shopIds: world.shops.map((s) => s.shopId), since });
    const logged = summarizeLoggedErrors(t.loggedErrors.slice(loggedFrom));
    const faults = countBy(world.faults);
    if (process.env.MODEL_VERBOSE || faults.length || broken.length || logged.length) {
      console.log(`model seed ${seed} (replay: MODEL_SEED=${seed} MODEL_RUNS=1): ${world.orders.length} orders, ${world.cases.length} cases, clock +${world.advancedMinutes} min\n  `
        + [...world.tally].sort().map(([answer, n]) => `${answer} ×${n}`).join('\n  '));
    }
    expect({ seed, faults, broken, logged }).toEqual({ seed, faults: [], broken: [], logged: [] });
  }, 180_000);
});
