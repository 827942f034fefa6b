import { afterAll, describe, expect, it } from 'vitest';
import { addBusinessDays, calendarCovers, isBusinessDay, shanghaiDate } from '../../src/shared/business-days';
import { useTestApp } from '../support/harness';

const t = useTestApp();
// Noon in Shanghai on a given date.
const noon = (date: string) => new Date(`${date}T04:00:00Z`);

describe('holiday overrides over the chinese-days calendar', () => {
  afterAll(async () => {
    for (const date of ['2030-06-12', '2030-06-15']) await t.api.call('DELETE', `/api/admin/holidays/${date}`, { token: (await t.api.user('admin')).token });
  });

  it('an admin makes a Wednesday a holiday and a Saturday a working day; business days honour both at once, and deleting restores the calendar', async () => {
    const admin = await t.api.user('admin');
    // 2030-06-11 is a Tuesday: one business day later is Wednesday the 12th, unless it is a holiday.
    expect(shanghaiDate(addBusinessDays(noon('2030-06-11'), 1))).toBe('2030-06-12');
    const created = await t.api.call('POST', '/api/admin/holidays', { token: admin.token, body: { date: '2030-06-12', kind: 'holiday', name: '临时休假' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ date: '2030-06-12', kind: 'holiday', name: '临时休假' });
    expect(isBusinessDay(noon('2030-06-12'))).toBe(false);
    expect(shanghaiDate(addBusinessDays(noon('2030-06-11'), 1))).toBe('2030-06-13');

    // Friday the 14th + 1 business day is Monday the 17th, unless Saturday the 15th is a 调休 working day.
    expect(shanghaiDate(addBusinessDays(noon('2030-06-14'), 1))).toBe('2030-06-17');
    await t.api.ok('POST', '/api/admin/holidays', { token: admin.token, body: { date: '2030-06-15', kind: 'workday', name: '调休上班' } });
    expect(shanghaiDate(addBusinessDays(noon('2030-06-14'), 1))).toBe('2030-06-15');

    const listed = await t.api.ok('GET', '/api/admin/holidays', { token: admin.token });
    expect(listed.items.filter((i: { date: string }) => i.date.startsWith('2030-06'))).toEqual([
      expect.objectContaining({ date: '2030-06-12', kind: 'holiday' }), expect.objectContaining({ date: '2030-06-15', kind: 'workday' }),
    ]);

    expect((await t.api.call('DELETE', '/api/admin/holidays/2030-06-12', { token: admin.token })).status).toBe(204);
    expect(isBusinessDay(noon('2030-06-12'))).toBe(true);
    const again = await t.api.call('DELETE', '/api/admin/holidays/2030-06-12', { token: admin.token });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('HOLIDAY_NOT_FOUND');
  });

  it('lists the years a deadline could fall in that the calendar does not cover', async () => {
    const admin = await t.api.user('admin');
    const listed = await t.api.ok('GET', '/api/admin/holidays', { token: admin.token });
    const year = Number(shanghaiDate(t.kameng.ctx.clock.now()).slice(0, 4));
    expect(listed.uncoveredYears).toEqual([year, year + 1].filter((y) => !calendarCovers(y)));
    // The package ships 2026 and nothing later (chinese-days 1.5.x).
    expect(calendarCovers(2026)).toBe(true);
    expect(calendarCovers(2027)).toBe(false);
  });

  it('refuses dates that do not exist and empty names with a 400, and staff get 403', async () => {
    const admin = await t.api.user('admin');
    for (const body of [{ date: '2030-02-30', kind: 'holiday', name: '不存在' }, { date: '2030-13-01', kind: 'holiday', name: '不存在' }, { date: '2030-06-01', kind: 'holiday', name: '  ' }, { date: '2030/06/01', kind: 'holiday', name: 'x' }]) {
      const res = await t.api.call('POST', '/api/admin/holidays', { token: admin.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const staff = await t.api.user('staff');
    expect((await t.api.call('POST', '/api/admin/holidays', { token: staff.token, body: { date: '2030-06-01', kind: 'holiday', name: '儿童节' } })).status).toBe(403);
  });
});
