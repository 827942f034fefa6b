import chineseDays from 'chinese-days';

const { isWorkday } = chineseDays;
const shanghaiOffsetMs = 8 * 60 * 60_000;
const dayMs = 24 * 60 * 60_000;
/** A search bound: no run of non-working days in China is anywhere near this long. */
const consecutiveHolidaysMax = 30;

/** The calendar date in Asia/Shanghai (UTC+8, no daylight saving) as YYYY-MM-DD. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + shanghaiOffsetMs).toISOString().slice(0, 10);
}

/** Whether a day is a working day in mainland China: weekends and public holidays are not, 调休 Saturdays are. */
export function isBusinessDay(at: Date): boolean {
  return isWorkday(shanghaiDate(at));
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
