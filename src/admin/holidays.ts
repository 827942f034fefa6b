import { requireRole } from '../catalog/shops';
import type { Actor, Ctx } from '../context';
import type { Db } from '../db/connect';
import { setCalendarOverrides, uncoveredYears, type DayKind } from '../shared/business-days';
import { invalid, notFound } from '../shared/errors';

export const holidayNameLengthMax = 50;
export const holidayOverridesMax = 1000;
export const calendarReloadMs = 60_000;

/** A date that exists: 2030-02-30 and 2030-13-01 match the pattern but are no day (and an Invalid Date must never reach toISOString). */
function isRealDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const at = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === date;
}

/** Reads the overrides into the business-day calendar (at start, after each change, and every minute). */
export async function loadCalendarOverrides(db: Db): Promise<void> {
  const rows = await db.selectFrom('holiday_overrides').select(['date', 'kind']).limit(holidayOverridesMax).execute();
  setCalendarOverrides(rows.map((r) => [r.date, r.kind] as const));
}

/** 节假日调整: the admin's overrides, and the years a deadline could fall in that `chinese-days` does not cover yet. */
export async function listHolidays(ctx: Ctx, actor: Actor) {
  requireRole(actor, 'admin');
  const rows = await ctx.db.selectFrom('holiday_overrides').select(['date', 'kind', 'name', 'created_at']).orderBy('date').limit(holidayOverridesMax).execute();
  return { items: rows.map((r) => ({ date: r.date, kind: r.kind, name: r.name, createdAt: r.created_at.toISOString() })), uncoveredYears: uncoveredYears(ctx.clock.now()) };
}

/** Sets one date as a holiday or a working day (replacing an earlier override of that date). */
export async function setHoliday(ctx: Ctx, actor: Actor, input: { date: string; kind: DayKind; name: string }) {
  requireRole(actor, 'admin');
  if (!isRealDate(input.date)) throw invalid(`${input.date} is not a calendar date (YYYY-MM-DD)`, `${input.date} 不是有效日期（格式 YYYY-MM-DD）。`, { field: 'date' });
  const name = input.name.trim();
  if (!name) throw invalid('name the day (e.g. 国庆节 or 调休上班)', '请填写名称（例如“国庆节”或“调休上班”）。', { field: 'name' });
  const now = ctx.clock.now();
  await ctx.db.insertInto('holiday_overrides').values({ date: input.date, kind: input.kind, name, created_by: actor.userId, created_at: now })
    .onConflict((oc) => oc.column('date').doUpdateSet({ kind: input.kind, name, created_by: actor.userId, created_at: now })).execute();
  await loadCalendarOverrides(ctx.db);
  return { date: input.date, kind: input.kind, name, createdAt: now.toISOString() };
}

/** Removes an override: the package's calendar decides that date again. */
export async function deleteHoliday(ctx: Ctx, actor: Actor, date: string): Promise<void> {
  requireRole(actor, 'admin');
  const result = await ctx.db.deleteFrom('holiday_overrides').where('date', '=', date).executeTakeFirst();
  if (Number(result.numDeletedRows) !== 1) throw notFound('holiday_override', 'HOLIDAY_NOT_FOUND');
  await loadCalendarOverrides(ctx.db);
}
