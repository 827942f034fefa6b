import { rewordSystemText } from '../../i18n/system-text';
import { Type } from 'typebox';
import { requireRole } from '../../catalog/shops';
import type { Ctx } from '../../context';
import { checkLedger } from '../../ledger/check';
import { adminChannels, listWaitingRefunds, topUpCompensationFund } from '../../payments/payments';
import type { App } from '../app-type';
import { actorOf, adminOnly, langOf, staffOrAdmin, userOf } from '../access';
import { IdParams, Money, Paging } from '../schemas';
import { createUser, listUsers, setRiskLevel, setUserStatus, userView } from '../../accounts/users';
import { overviewReport, reportDaysMax } from '../../admin/reports';
import { deleteHoliday, holidayNameLengthMax, listHolidays, setHoliday } from '../../admin/holidays';

const HolidayDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', maxLength: 10, description: 'YYYY-MM-DD (Asia/Shanghai)' });
const Holiday = Type.Object({ date: Type.String(), kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday')]), name: Type.String(), createdAt: Type.String() });

export function adminRoutes(app: App, ctx: Ctx): void {
  app.get('/api/admin/holidays', {
    config: { access: adminOnly },
    schema: {
      operationId: 'listHolidayOverrides', tags: ['admin'], summary: "节假日调整: the admin's overrides of the chinese-days calendar, and `uncoveredYears` (this year or next, not in the calendar yet)",
      response: { 200: Type.Object({ items: Type.Array(Holiday), uncoveredYears: Type.Array(Type.Integer()) }) },
    },
  }, async (request) => listHolidays(ctx, actorOf(request)));
  app.post('/api/admin/holidays', {
    config: { access: adminOnly },
    schema: {
      operationId: 'setHolidayOverride', tags: ['admin'], summary: 'Make one date a holiday or a working day (replaces an earlier override of that date); business days honour it at once',
      body: Type.Object({ date: HolidayDate, kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday')]), name: Type.String({ minLength: 1, maxLength: holidayNameLengthMax }) }),
      response: { 201: Holiday },
    },
  }, async (request, reply) => reply.status(201).send(await setHoliday(ctx, actorOf(request), request.body)));
  app.delete('/api/admin/holidays/:date', {
    config: { access: adminOnly },
    schema: { operationId: 'deleteHolidayOverride', tags: ['admin'], summary: 'Remove an override: the calendar decides that date again', params: Type.Object({ date: HolidayDate }) },
  }, async (request, reply) => { await deleteHoliday(ctx, actorOf(request), request.params.date); return reply.status(204).send(); });

  app.get('/api/admin/ledger/check', {
    config: { access: staffOrAdmin },
    schema: {
      tags: ['admin'], summary: 'Verify every ledger invariant (incrementally from the last check; full=true re-reads every posting)',
      querystring: Type.Object({ full: Type.Optional(Type.Boolean()) }),
    },
  }, async (request) => {
    requireRole(actorOf(request), 'admin', 'staff');
    return checkLedger(ctx.db, { full: request.query.full ?? false });
  });

  app.post('/api/admin/fund/topups', { config: { access: adminOnly }, 
    schema: { tags: ['admin'], summary: 'Add platform money to the advance-compensation fund (先行赔付基金)', body: Type.Object({ amount: Money, memo: Type.Optional(Type.String({ maxLength: 200 })) }) },
  }, async (request, reply) => reply.status(201).send(await topUpCompensationFund(ctx, userOf(request), request.body)));

  app.post('/api/admin/users/:id/risk', { config: { access: staffOrAdmin }, 
    schema: { tags: ['admin'], summary: 'Flag a buyer high-risk with a reason (no automatic approvals) or clear it', params: IdParams, body: Type.Object({ level: Type.Union([Type.Literal('normal'), Type.Literal('high')]), reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }) },
  }, async (request) => setRiskLevel(ctx, userOf(request), request.params.id, request.body));

  app.get('/api/admin/payments/channels', {
    config: { access: staffOrAdmin },
    schema: {
      operationId: 'listAdminPaymentChannels', tags: ['admin'], summary: 'Every payment channel: live (real keys), sandbox (simulated) or not configured, and whether it refunds, pays out and reads complaints',
      response: { 200: Type.Object({ sandbox: Type.Boolean(), items: Type.Array(Type.Object({
        channel: Type.String(), mode: Type.Union([Type.Literal('live'), Type.Literal('sandbox'), Type.Literal('not_configured')]),
        payments: Type.Boolean(), refunds: Type.Boolean(), payouts: Type.Boolean(), complaints: Type.Boolean(),
      })) }) },
    },
  }, async () => adminChannels(ctx));

  app.get('/api/admin/users', {
    config: { access: adminOnly },
    schema: {
      tags: ['admin'], summary: 'Users: search by e-mail or name, filter by role and status, with risk and its reason',
      querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })), role: Type.Optional(Type.Union(['buyer', 'merchant', 'staff', 'admin'].map((r) => Type.Literal(r)))), status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])), ...Paging }),
    },
  }, async (request) => {
    const page = await listUsers(ctx, request.query as Parameters<typeof listUsers>[1]);
    const lang = langOf(request);
    return { ...page, items: page.items.map((u) => ({ ...u, riskReason: rewordSystemText(u.riskReason, lang) })) };
  });

  app.post('/api/admin/users/:id/status', {
    config: { access: adminOnly },
    schema: { tags: ['admin'], summary: "Disable an account (its sessions and its shops' API keys stop at once; sign-in is refused) or enable it", params: IdParams, body: Type.Object({ status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]), reason: Type.String({ minLength: 1, maxLength: 500 }) }) },
  }, async (request) => setUserStatus(ctx, userOf(request), request.params.id, request.body));

  app.get('/api/staff/refunds/waiting', { config: { access: staffOrAdmin }, schema: { tags: ['admin'], summary: 'Refunds waiting for the compensation fund (nothing could fund them yet)' } },
    async (request) => listWaitingRefunds(ctx, userOf(request), langOf(request)));

  app.get('/api/admin/rules', { config: { access: staffOrAdmin }, schema: { tags: ['admin'], summary: 'The rule set in force' } }, async (request) => {
    requireRole(actorOf(request), 'admin', 'staff');
    return ctx.rules.current();
  });

  app.get('/api/admin/reports/overview', {
    config: { access: adminOnly },
    schema: {
      tags: ['admin'], summary: 'Per Asia/Shanghai day of the last N days: GMV, orders, refund rate, cases opened and decided, SLA met %, compensation fund balance; cases by status now',
      querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: reportDaysMax })) }),
    },
  }, async (request) => overviewReport(ctx, request.query.days ?? 30));

  app.post('/api/admin/users', {
    config: { access: adminOnly },
    schema: {
      tags: ['admin'], summary: 'Create a staff or admin account',
      body: Type.Object({ email: Type.String({ format: 'email', maxLength: 254 }), password: Type.String({ minLength: 8, maxLength: 128 }), role: Type.Union([Type.Literal('staff'), Type.Literal('admin')]), displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })) }),
    },
  }, async (request, reply) => reply.status(201).send({ user: userView(await createUser(ctx, request.body)) }));
}
