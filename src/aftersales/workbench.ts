import { randomUUID } from 'node:crypto';
import { requireRole } from '../catalog/shops';
import type { Actor, Ctx, UserActor } from '../context';
import { defaultLang } from '../i18n/lang';
import { withTransaction } from '../db/transaction';
import type { Db, Tx } from '../db/connect';
import type { RefundCase } from '../db/schema';
import { conflict, invalid, invariant } from '../shared/errors';
import { caseView, loadCaseFor, type CaseView } from './cases';
import { arbitrationStatuses, staffActions } from './claims';

export const noteLengthMax = 2000;
export const notesPerCaseMax = 200;

/** 认领: a staff member takes a case so no one else decides it meanwhile; an admin may take over another's claim. */
export async function claimCase(ctx: Ctx, actor: Actor, caseId: string): Promise<CaseView> {
  requireRole(actor, 'staff', 'admin');
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const { refundCase: c } = await loadCaseFor(tx, actor, caseId, ['staff'], true);
    if (!arbitrationStatuses.includes(c.status)) throw conflict('CASE_NOT_CLAIMABLE', 'only a case with the platform can be claimed');
    const actions = staffActions(c, actor);
    if (actions.blockedBy === 'first_decider') throw conflict('SAME_STAFF_APPEAL', 'you decided this case the first time; a different staff member handles the appeal');
    if (c.claimed_by !== actor.userId) {
      if (!actions.claim) throw claimedByOther(c);
      // Compare-and-set on the claim seen under the lock: two staff claiming at once, one wins.
      await setClaim(tx, c, actor.userId, now);
    }
    return caseView(ctx, tx, c.id, 'staff', defaultLang, actor);
  });
}

/** Gives a claimed case back to the queue: the claimer, or an admin. */
export async function releaseCase(ctx: Ctx, actor: Actor, caseId: string): Promise<CaseView> {
  requireRole(actor, 'staff', 'admin');
  return withTransaction(ctx.db, async (tx) => {
    const { refundCase: c } = await loadCaseFor(tx, actor, caseId, ['staff'], true);
    if (c.claimed_by !== null) {
      if (!staffActions(c, actor).release) throw claimedByOther(c);
      await setClaim(tx, c, null, null);
    }
    return caseView(ctx, tx, c.id, 'staff', defaultLang, actor);
  });
}

async function setClaim(tx: Tx, c: RefundCase, userId: string | null, at: Date | null): Promise<void> {
  let update = tx.updateTable('refund_cases').set({ claimed_by: userId, claimed_at: at }).where('id', '=', c.id);
  update = c.claimed_by === null ? update.where('claimed_by', 'is', null) : update.where('claimed_by', '=', c.claimed_by);
  const result = await update.executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw conflict('CASE_STATE_CHANGED', 'the case changed meanwhile; reload it');
}

/** The 409 for acting on a case another staff member holds: who holds it, so the UI can say so. */
export function claimedByOther(c: Pick<RefundCase, 'claimed_by' | 'claimed_at'>) {
  return conflict('CASE_CLAIMED', 'another staff member has claimed this case; it must be released (or taken over by an admin) first', {
    claimedBy: c.claimed_by, claimedAt: c.claimed_at?.toISOString() ?? null,
  });
}

/** Refuses a staff action on a case someone else claimed; called under the case's row lock. */
export function assertNotClaimedByOther(c: Pick<RefundCase, 'claimed_by' | 'claimed_at'>, actor: UserActor): void {
  if (c.claimed_by !== null && c.claimed_by !== actor.userId) throw claimedByOther(c);
}

export interface CaseNote { id: string; body: string; author: { id: string; name: string }; createdAt: string }

/** 内部备注: staff write notes on a case; its buyer and merchant never see them (not in their view, not in the evidence package). */
export async function addCaseNote(ctx: Ctx, actor: Actor, caseId: string, input: { body: string }): Promise<CaseNote> {
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    // A party gets the case's 404 (loadCaseFor allows staff only), not a 403 that says there is something to see.
    const { refundCase: c } = await loadCaseFor(tx, actor, caseId, ['staff'], true);
    invariant(actor.kind === 'user', 'only a signed-in staff member or admin is staff on a case');
    const body = input.body.trim();
    if (!body) throw invalid('write something in the note', '备注内容不能为空。');
    const count = await tx.selectFrom('case_notes').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', c.id).executeTakeFirstOrThrow();
    if (Number(count.n) >= notesPerCaseMax) throw conflict('NOTES_LIMIT_REACHED', `a case holds at most ${notesPerCaseMax} notes`);
    const id = randomUUID();
    await tx.insertInto('case_notes').values({ id, case_id: c.id, author_id: actor.userId, body, created_at: now }).execute();
    return (await notesOf(tx, c.id)).find((n) => n.id === id)!;
  });
}

/** The notes on a case, oldest first (staff and admins; anyone else gets the case's 404). */
export async function listCaseNotes(ctx: Ctx, actor: Actor, caseId: string): Promise<{ items: CaseNote[] }> {
  const { refundCase: c } = await loadCaseFor(ctx.db, actor, caseId, ['staff']);
  return { items: await notesOf(ctx.db, c.id) };
}

async function notesOf(db: Db | Tx, caseId: string): Promise<CaseNote[]> {
  const rows = await db.selectFrom('case_notes').innerJoin('users', 'users.id', 'case_notes.author_id')
    .select(['case_notes.id', 'case_notes.body', 'case_notes.created_at', 'users.id as author_id', 'users.display_name'])
    .where('case_notes.case_id', '=', caseId).orderBy('case_notes.created_at').orderBy('case_notes.id').limit(notesPerCaseMax).execute();
  return rows.map((r) => ({ id: r.id, body: r.body, author: { id: r.author_id, name: r.display_name }, createdAt: r.created_at.toISOString() }));
}
