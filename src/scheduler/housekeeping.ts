import { sql } from 'kysely';
import type { Ctx } from '../context';
import type { Sweep } from './scheduler';

/** Rows deleted per statement, so a purge never holds locks or bloats one transaction for long. */
const purgeStep = 5_000;
/** A server purges at most this often (real time); every server may, the deletes do not conflict. */
const purgeEveryMs = 60_000;

export interface Purged { idempotencyKeys: number; jobs: number; rateLimits: number }

/**
 * Housekeeping by rule: idempotency keys older than `housekeeping.idempotency-days`, finished jobs
 * older than `housekeeping.jobs-days`, rate-limit counters whose window started more than
 * `housekeeping.rate-limit-days` ago (long expired: a new hit starts a new window anyway). Each
 * found by index, deleted in steps.
 */
export async function purgeExpired(ctx: Ctx, now: Date): Promise<Purged> {
  const rules = await ctx.rules.current();
  const before = (rule: 'housekeeping.idempotency-days' | 'housekeeping.jobs-days' | 'housekeeping.rate-limit-days') =>
    new Date(now.getTime() - rules.values[rule] * 86_400_000);
  const purge = async (statement: (limit: number) => ReturnType<typeof sql>) => {
    let total = 0;
    for (;;) {
      const result = await statement(purgeStep).execute(ctx.db);
      const n = Number(result.numAffectedRows ?? 0);
      total += n;
      if (n < purgeStep) return total;
    }
  };
  const idempotencyBefore = before('housekeeping.idempotency-days');
  const jobsBefore = before('housekeeping.jobs-days');
  const rateLimitsBefore = before('housekeeping.rate-limit-days');
  return {
    idempotencyKeys: await purge((limit) => sql`delete from idempotency_keys where ctid in (
      select ctid from idempotency_keys where created_at < ${idempotencyBefore} limit ${limit})`),
    jobs: await purge((limit) => sql`delete from jobs where ctid in (
      select ctid from jobs where status = 'done' and done_at < ${jobsBefore} limit ${limit})`),
    rateLimits: await purge((limit) => sql`delete from rate_limits where ctid in (
      select ctid from rate_limits where window_start < ${rateLimitsBefore} limit ${limit})`),
  };
}

/** Runs the purge from the scheduler's main lane, at most once a minute per server. */
export function housekeepingSweep(ctx: Ctx): Sweep {
  let lastAt = -Infinity;
  return {
    name: 'housekeeping',
    next: async () => undefined,
    async run(now) {
      if (performance.now() - lastAt < purgeEveryMs) return 0;
      lastAt = performance.now();
      const purged = await purgeExpired(ctx, now);
      if (purged.idempotencyKeys + purged.jobs + purged.rateLimits > 0) ctx.log.info({ purged }, 'housekeeping: purged expired rows');
      return 0; // not work that makes the lane look again
    },
  };
}
