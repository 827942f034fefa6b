import chineseDays from 'chinese-days';

const { isWorkday, getHolidaysInRange } = chineseDays;
const shanghaiOffsetMs = 8 * 60 * 60_000;
const dayMs = 24 * 60 * 60_000;
/** A search bound: no run of non-working days in China is anywhere near this long. */
const consecutiveHolidaysMax = 30;

/** The calendar date in Asia/Shanghai (UTC+8, no daylight saving) as YYYY-MM-DD. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + shanghaiOffsetMs).toISOString().slice(0, 10);
}

export type DayKind = 'holiday' | 'workday';

/**
 * The admin's overrides (holiday_overrides), read over the package's calendar. Process-wide because
 * business days are computed synchronously deep inside use cases; the app loads it at start, after
 * every change, and every minute (src/admin/holidays.ts), so several servers agree within a minute.
 */
let overrides: ReadonlyMap<string, DayKind> = new Map();

export function setCalendarOverrides(entries: Iterable<readonly [string, DayKind]>): void {
  overrides = new Map(entries);
}

/** Whether a day is a working day in mainland China: weekends and public holidays are not, 调休 Saturdays are; an admin override wins. */
export function isBusinessDay(at: Date): boolean {
  const date = shanghaiDate(at);
  const override = overrides.get(date);
  return override ? override === 'workday' : isWorkday(date);
}

/** Whether `chinese-days` knows the public holidays of a year (it lists none for a year not yet published). */
export function calendarCovers(year: number): boolean {
  return getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
}

/** Years a deadline set now could fall in (this year and the next) that the calendar does not cover: Monday–Friday plus overrides only. */
export function uncoveredYears(now: Date): number[] {
  const year = Number(shanghaiDate(now).slice(0, 4));
  return [year, year + 1].filter((y) => !calendarCovers(y));
}

/**
 * The same time of day `days` working days later (Chinese public holidays and 调休 respected by the
 * maintained `chinese-days` calendar; years it does not cover yet fall back to Monday–Friday).
 */
export function addBusinessDays(from: Date, days: number): Date {
  let at = from;
  for (let counted = 0; counted < days; ) {
    at = new Date(at.getTime() + dayMs);
    let skipped = 0;
    while (!isBusinessDay(at)) {
      at = new Date(at.getTime() + dayMs);
      if (++skipped > consecutiveHolidaysMax) throw new Error('calendar has no working day in a month');
    }
    counted += 1;
  }
  return at;
}
