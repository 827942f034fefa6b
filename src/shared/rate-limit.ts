import { sql } from 'kysely';
import type { Ctx } from '../context';
import type { RuleId } from '../rules/defaults';
import { AppError } from './errors';

/**
 * A fixed-window counter kept in the database, so every server behind the load balancer sees the
 * same count. Throws 429 once `max` hits fall in one window.
 */
export async function hitRateLimit(ctx: Ctx, key: string, max: number, windowMinutes: number, rule: RuleId): Promise<void> {
  const now = ctx.clock.now();
  const windowStart = new Date(now.getTime() - windowMinutes * 60_000);
  const row = await sql<{ count: number }>`
    insert into rate_limits (key, window_start, count) values (${key}, ${now}, 1)
    on conflict (key) do update set
      count = case when rate_limits.window_start < ${windowStart} then 1 else rate_limits.count + 1 end,
      window_start = case when rate_limits.window_start < ${windowStart} then ${now} else rate_limits.window_start end
    returning count`.execute(ctx.db);
  if ((row.rows[0]?.count ?? 0) > max) {
    throw new AppError('RATE_LIMITED', 429, `too many attempts; try again in ${windowMinutes} minutes`, { rule });
  }
}
