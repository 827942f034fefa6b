import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { CaseStatus, RefundCase } from '../db/schema';
import { withTransaction } from '../db/transaction';
import { notice, type NoticeParams } from '../notify/kinds';
import { notify } from '../notify/notifications';
import { scheduleJob } from '../scheduler/jobs';
import { partyIds } from './respond';

/** How long before a party's after-sales deadline they are reminded (none when the deadline is nearer than this). */
export const caseDeadlineReminderMinutes = 120;

type Step = NoticeParams['case_deadline_approaching']['step'];

/** Which deadline a step reads, the status in which it still bites, and who must act. */
const steps: Record<Step, { deadline: (c: RefundCase) => Date | null; status: CaseStatus; party: (c: RefundCase) => 'buyer' | 'merchant' }> = {
  merchant_response: { deadline: (c) => c.merchant_by, status: 'awaiting_merchant', party: () => 'merchant' },
  buyer_response: { deadline: (c) => c.buyer_by, status: 'awaiting_buyer', party: () => 'buyer' },
  evidence: { deadline: (c) => c.evidence_by, status: 'awaiting_evidence', party: (c) => (c.evidence_party === 'buyer' ? 'buyer' : 'merchant') },
};

export const deadlineReminderJob = 'case_deadline_reminder';

/** Arms the reminder for a deadline just set (in the transaction that set it); a later deadline re-arms it. */
export async function armDeadlineReminder(tx: Tx, caseId: string, step: Step, deadline: Date, now: Date): Promise<void> {
  const remindAt = new Date(deadline.getTime() - caseDeadlineReminderMinutes * 60_000);
  if (remindAt <= now) return;
  await scheduleJob(tx, deadlineReminderJob, `${caseId}:${step}`, remindAt, now);
}

/** The reminder job: only if the case still waits on that party and the deadline is still ahead. */
export async function remindDeadline(ctx: Ctx, ref: string, now: Date): Promise<void> {
  const [caseId, step] = ref.split(':') as [string, Step];
  const rule = steps[step];
  if (!rule) return;
  await withTransaction(ctx.db, async (tx) => {
    const c = await tx.selectFrom('refund_cases').selectAll().where('id', '=', caseId).forUpdate().executeTakeFirst();
    const deadline = c ? rule.deadline(c) : null;
    if (!c || c.status !== rule.status || !deadline || deadline <= now) return;
    const ids = await partyIds(tx, c);
    await notify(ctx, tx, {
      userIds: [rule.party(c) === 'buyer' ? ids.buyer : ids.merchant], orderId: c.order_id, caseId: c.id, at: now,
      notice: notice('case_deadline_approaching', { orderNo: ids.orderNo, step, deadline: deadline.toISOString() }),
    });
  });
}
