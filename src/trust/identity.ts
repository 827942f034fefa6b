import { randomUUID } from 'node:crypto';
import type { Actor, Ctx, UserActor } from '../context';
import type { Db, Tx } from '../db/connect';
import type { IdentityKind, IdentityStatus } from '../db/schema';
import { withTransaction } from '../db/transaction';
import { loadOwnedShop, requireRole } from '../catalog/shops';
import { notice } from '../notify/kinds';
import { notify } from '../notify/notifications';
import type { RuleSet } from '../rules/rule-sets';
import { badRequest, conflict, notFound, refused } from '../shared/errors';
import { maskIdentityNumber, maskPhone, identityProblem } from './identity-format';

export const identityNameLengthMax = 60;
export const identityReasonLengthMax = 500;
export const identityPageSizeMax = 100;

export interface IdentityInput {
  kind: IdentityKind;
  name: string;
  number: string;
  contactPhone: string;
}

export interface IdentityView {
  id: string;
  shopId: string;
  kind: IdentityKind;
  name: string;
  numberMasked: string;
  phoneMasked: string;
  status: IdentityStatus;
  reason: string | null;
  createdAt: string;
  decidedAt: string | null;
}

type IdentityRow = {
  id: string; shop_id: string; kind: IdentityKind; name: string; number_masked: string; phone_masked: string; status: IdentityStatus;
  reason: string | null; created_at: Date; decided_at: Date | null;
};

const identityView = (r: IdentityRow): IdentityView => ({
  id: r.id, shopId: r.shop_id, kind: r.kind, name: r.name, numberMasked: r.number_masked, phoneMasked: r.phone_masked, status: r.status,
  reason: r.reason, createdAt: r.created_at.toISOString(), decidedAt: r.decided_at?.toISOString() ?? null,
});

/**
 * 主体信息 (电子商务法 第27条): the shop owner submits a real name or a business licence and a contact
 * phone for admin review. The number and phone are stored encrypted; only masked copies are shown.
 * One submission may wait at a time; a shop stays verified by its approved one while a newer one waits.
 */
export async function submitIdentity(ctx: Ctx, actor: UserActor, shopId: string, input: IdentityInput): Promise<IdentityView> {
  requireRole(actor, 'merchant');
  const name = input.name.trim();
  const number = input.number.replace(/\s+/g, '').toUpperCase();
  const phone = input.contactPhone.replace(/[\s-]+/g, '');
  if (name.length < 2) throw badRequest('IDENTITY_NAME_REQUIRED', 'write the legal name (at least 2 characters)');
  const problem = identityProblem(input.kind, number, phone);
  if (problem) throw badRequest(problem.code, problem.message);
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const shop = await loadOwnedShop(tx, actor, shopId);
    await tx.selectFrom('shops').select('id').where('id', '=', shop.id).forUpdate().execute();
    const pending = await tx.selectFrom('shop_identities').select('id').where('shop_id', '=', shop.id).where('status', '=', 'pending').executeTakeFirst();
    if (pending) throw conflict('IDENTITY_PENDING', 'an identity submission for this shop is waiting for review already');
    const row = await tx.insertInto('shop_identities').values({
      id: randomUUID(), shop_id: shop.id, kind: input.kind, name, number_cipher: ctx.box.encrypt(number), number_masked: maskIdentityNumber(number),
      phone_cipher: ctx.box.encrypt(phone), phone_masked: maskPhone(phone), status: 'pending', reason: null, submitted_by: actor.userId,
      decided_by: null, decided_at: null, created_at: now,
    }).returningAll().executeTakeFirstOrThrow();
    return identityView(row);
  });
}

/** The shop's identity as its owner (or staff) sees it: the newest submission and whether one was approved. */
export async function shopIdentity(ctx: Ctx, actor: Actor, shopId: string): Promise<{ verified: boolean; current: IdentityView | null }> {
  const shop = await loadOwnedShop(ctx.db, actor, shopId, true);
  const rows = await ctx.db.selectFrom('shop_identities').selectAll().where('shop_id', '=', shop.id).orderBy('created_at', 'desc').orderBy('id').limit(20).execute();
  return { verified: rows.some((r) => r.status === 'approved'), current: rows[0] ? identityView(rows[0]) : null };
}

/** Admin: submissions by status, oldest first (the review queue), with the full number and phone for checking. */
export async function listIdentities(ctx: Ctx, actor: UserActor, query: { status?: IdentityStatus; limit?: number; offset?: number }) {
  requireRole(actor, 'admin');
  let base = ctx.db.selectFrom('shop_identities').innerJoin('shops', 'shops.id', 'shop_identities.shop_id');
  if (query.status) base = base.where('shop_identities.status', '=', query.status);
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await base.selectAll('shop_identities').select('shops.name as shop_name')
    .orderBy('shop_identities.created_at').orderBy('shop_identities.id')
    .limit(Math.min(query.limit ?? 50, identityPageSizeMax)).offset(query.offset ?? 0).execute();
  return {
    total,
    items: rows.map((r) => ({ ...identityView(r), shopName: r.shop_name, number: ctx.box.decrypt(r.number_cipher), contactPhone: ctx.box.decrypt(r.phone_cipher) })),
  };
}

/** Admin: approves or rejects (with a reason) a waiting submission; the owner is notified. */
export async function decideIdentity(
  ctx: Ctx, actor: UserActor, identityId: string, input: { decision: 'approved' | 'rejected'; reason?: string },
): Promise<IdentityView> {
  requireRole(actor, 'admin');
  const reason = input.reason?.trim() || null;
  if (input.decision === 'rejected' && !reason) throw badRequest('REASON_REQUIRED', 'a rejection needs a reason the merchant can act on');
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const existing = await tx.selectFrom('shop_identities').select(['id', 'status']).where('id', '=', identityId).forUpdate().executeTakeFirst();
    if (!existing) throw notFound('identity', 'IDENTITY_NOT_FOUND');
    const row = await tx.updateTable('shop_identities').set({ status: input.decision, reason, decided_by: actor.userId, decided_at: now })
      .where('id', '=', identityId).where('status', '=', 'pending').returningAll().executeTakeFirst();
    if (!row) throw conflict('IDENTITY_ALREADY_DECIDED', `this submission was ${existing.status} already`);
    const shop = await tx.selectFrom('shops').select(['owner_id', 'name']).where('id', '=', row.shop_id).executeTakeFirstOrThrow();
    await notify(ctx, tx, {
      userIds: [shop.owner_id], at: now,
      notice: input.decision === 'approved'
        ? notice('identity_approved', { shopName: shop.name })
        : notice('identity_rejected', { shopName: shop.name, reason: reason ?? '' }),
    });
    return identityView(row);
  });
}

/** Refuses listing or selling for a shop without an approved identity while the rule requires one (a 422 citing it). */
export async function requireApprovedIdentity(db: Db | Tx, shopId: string, rules: RuleSet): Promise<void> {
  if (!rules.values['trust.identity-required-to-list']) return;
  const approved = await db.selectFrom('shop_identities').select('id').where('shop_id', '=', shopId).where('status', '=', 'approved').executeTakeFirst();
  if (!approved) {
    throw refused('SHOP_IDENTITY_REQUIRED', 'trust.identity-required-to-list', 'this shop needs an approved identity (电子商务法 第27条) before it can list or sell; the owner submits it in the merchant area');
  }
}
