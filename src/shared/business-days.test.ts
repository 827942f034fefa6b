import { describe, expect, it } from 'vitest';
import { addBusinessDays, isBusinessDay, shanghaiDate } from './business-days';

/** Noon in Shanghai on a calendar date (04:00 UTC). */
const noon = (date: string) => new Date(`${date}T12:00:00+08:00`);

describe('isBusinessDay (chinese-days calendar, Asia/Shanghai)', () => {
  it.each([
    ['2026-09-30', true, 'an ordinary Wednesday'],
    ['2026-10-01', false, 'National Day'],
    ['2026-10-07', false, 'the last day of the National Day holiday'],
    ['2026-10-08', true, 'the Thursday after National Day'],
    ['2026-09-20', true, 'a 调休 Sunday worked before National Day'],
    ['2026-10-10', true, 'a 调休 Saturday worked after National Day'],
    ['2026-10-11', false, 'an ordinary Sunday'],
    ['2026-02-16', false, 'Spring Festival'],
    ['2026-02-14', true, 'a 调休 Saturday before Spring Festival'],
    ['2026-09-19', false, 'an ordinary Saturday'],
  ])('%s is a business day: %s (%s)', (date, expected) => {
    expect(isBusinessDay(noon(date))).toBe(expected);
  });

  it('reads the calendar date in Shanghai, not in UTC', () => {
    // 2026-09-30T20:00Z is already 1 October 04:00 in Shanghai.
    const lateUtc = new Date('2026-09-30T20:00:00Z');
    expect(shanghaiDate(lateUtc)).toBe('2026-10-01');
    expect(isBusinessDay(lateUtc)).toBe(false);
  });
});

describe('addBusinessDays', () => {
  it.each([
    ['2026-09-30', 1, '2026-10-08', 'skips the whole National Day holiday'],
    ['2026-09-30', 2, '2026-10-09', ''],
    ['2026-09-30', 3, '2026-10-10', 'counts the 调休 Saturday'],
    ['2026-09-30', 4, '2026-10-12', 'skips the ordinary Sunday'],
    ['2026-10-03', 1, '2026-10-08', 'starting inside the holiday'],
    ['2026-09-18', 1, '2026-09-20', 'counts the 调休 Sunday, skips Saturday'],
    ['2026-09-28', 3, '2026-10-08', 'Mon + 3 lands after the holiday'],
    ['2026-02-13', 1, '2026-02-14', 'a 调休 Saturday before Spring Festival'],
    ['2026-02-14', 1, '2026-02-24', 'skips Spring Festival'],
    ['2026-06-01', 5, '2026-06-08', 'an ordinary week'],
    ['2026-06-05', 0, '2026-06-05', 'zero days is the same moment'],
  ])('%s + %i business days = %s %s', (from, days, expected) => {
    const result = addBusinessDays(noon(from), days);
    expect(shanghaiDate(result)).toBe(expected);
    // The time of day is kept.
    expect(result.toISOString().slice(11)).toBe('04:00:00.000Z');
  });

  it('keeps Shanghai time of day across the UTC date line', () => {
    // 23:30 in Shanghai on 30 September is 15:30 UTC; one business day later is 8 October 23:30 Shanghai.
    const result = addBusinessDays(new Date('2026-09-30T15:30:00Z'), 1);
    expect(result.toISOString()).toBe('2026-10-08T15:30:00.000Z');
  });

  it('falls back to Monday–Friday in years the calendar does not cover', () => {
    // 2040-01-06 is a Friday.
    expect(shanghaiDate(addBusinessDays(noon('2040-01-06'), 1))).toBe('2040-01-09');
  });
});
