import { sql } from 'kysely';
import type { Ctx } from '../context';
import type { Db } from '../db/connect';
import type { RuleId } from '../rules/defaults';
import { AppError } from './errors';

export interface WindowCount {
  /** Hits in the current window, this one included. */
  count: number;
  windowStart: Date;
}

/**
 * Counts one hit against `key` in a fixed window kept in the database, so every server behind the
 * load balancer sees the same count. A window starts at the first hit after the previous one ended.
 */
export async function countHit(db: Db, key: string, windowMinutes: number, now: Date): Promise<WindowCount> {
  const expiredBefore = new Date(now.getTime() - windowMinutes * 60_000);
  const result = await sql<{ count: number; window_start: Date }>`
    insert into rate_limits (key, window_start, count) values (${key}, ${now}, 1)
    on conflict (key) do update set
      count = case when rate_limits.window_start < ${expiredBefore} then 1 else rate_limits.count + 1 end,
      window_start = case when rate_limits.window_start < ${expiredBefore} then ${now} else rate_limits.window_start end
    returning count, window_start`.execute(db);
  const row = result.rows[0];
  return { count: Number(row.count), windowStart: new Date(row.window_start) };
}

/** Takes one hit back (an attempt that turned out fine), never below zero. */
export async function takeBackHit(db: Db, key: string): Promise<void> {
  await db.updateTable('rate_limits').set((eb) => ({ count: eb('count', '-', 1) })).where('key', '=', key).where('count', '>', 0).execute();
}

/** Starts the key over, as if it had never been hit. */
export async function forgetHits(db: Db, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}

/** Whole seconds until the window that started at `windowStart` ends (at least 1). */
export const secondsUntilWindowEnds = (windowStart: Date, windowMinutes: number, now: Date): number =>
  Math.max(1, Math.ceil((windowStart.getTime() + windowMinutes * 60_000 - now.getTime()) / 1000));

/** Throws 429 once more than `max` hits fall in one window. */
export async function hitRateLimit(ctx: Ctx, key: string, max: number, windowMinutes: number, rule: RuleId): Promise<void> {
  const { count } = await countHit(ctx.db, key, windowMinutes, ctx.clock.now());
  if (count > max) {
    throw new AppError('RATE_LIMITED', 429, `too many attempts; try again in ${windowMinutes} minutes`, { rule });
  }
}
