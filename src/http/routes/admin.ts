import { Type } from '@fastify/type-provider-typebox';
import { requireRole } from '../../catalog/shops';
import type { Ctx } from '../../context';
import { checkLedger } from '../../ledger/check';
import { listWaitingRefunds, topUpCompensationFund } from '../../payments/payments';
import type { App } from '../app-type';
import { actorOf, adminOnly, staffOrAdmin, userOf } from '../access';
import { IdParams, Money } from '../schemas';
import { setRiskLevel } from '../../accounts/users';

export function adminRoutes(app: App, ctx: Ctx): void {
  app.get('/api/admin/ledger/check', { config: { access: staffOrAdmin }, schema: { tags: ['admin'], summary: 'Verify every ledger invariant' } }, async (request) => {
    requireRole(actorOf(request), 'admin', 'staff');
    return checkLedger(ctx.db);
  });

  app.post('/api/admin/fund/topups', { config: { access: adminOnly }, 
    schema: { tags: ['admin'], summary: 'Add platform money to the advance-compensation fund (先行赔付基金)', body: Type.Object({ amount: Money, memo: Type.Optional(Type.String({ maxLength: 200 })) }) },
  }, async (request, reply) => reply.status(201).send(await topUpCompensationFund(ctx, userOf(request), request.body)));

  app.post('/api/admin/users/:id/risk', { config: { access: staffOrAdmin }, 
    schema: { tags: ['admin'], summary: 'Flag a buyer high-risk (no automatic approvals) or clear it', params: IdParams, body: Type.Object({ level: Type.Union([Type.Literal('normal'), Type.Literal('high')]) }) },
  }, async (request) => setRiskLevel(ctx, actorOf(request), request.params.id, request.body.level));

  app.get('/api/staff/refunds/waiting', { config: { access: staffOrAdmin }, schema: { tags: ['admin'], summary: 'Refunds waiting for the compensation fund (nothing could fund them yet)' } },
    async (request) => listWaitingRefunds(ctx, userOf(request)));

  app.get('/api/admin/rules', { config: { access: staffOrAdmin }, schema: { tags: ['admin'], summary: 'The rule set in force' } }, async (request) => {
    requireRole(actorOf(request), 'admin', 'staff');
    return ctx.rules.current();
  });
}
