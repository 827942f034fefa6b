import type { Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { notice } from '../notify/kinds';
import { notify } from '../notify/notifications';
import { invariant } from '../shared/errors';
import { appendEvent } from '../timeline/timeline';

/**
 * The 已读未回 job: a buyer message the merchant read and had not answered by `answer_by` is
 * recorded — on the message (it joins every case's `systemEvidence.chat.readUnanswered`) and on
 * the order's hash-chained timeline. A merchant message before that time answers it; the order's
 * row lock orders this check against a reply being written.
 */
export async function recordReadUnanswered(ctx: Ctx, messageId: string, now: Date): Promise<void> {
  const rules = await ctx.rules.current();
  await withTransaction(ctx.db, async (tx) => {
    const found = await tx.selectFrom('chat_messages').select('order_id').where('id', '=', messageId).executeTakeFirst();
    if (!found) return;
    const order = await tx.selectFrom('orders').select(['id', 'order_no', 'shop_id']).where('id', '=', found.order_id).forUpdate().executeTakeFirstOrThrow();
    const message = await tx.selectFrom('chat_messages').selectAll().where('id', '=', messageId).executeTakeFirstOrThrow();
    if (message.sender !== 'buyer' || !message.read_at || !message.answer_by || message.read_unanswered_at) return;
    if (now < message.answer_by) return; // the merchant still has time (jobs never run early; this guards the claim)
    const answered = await tx.selectFrom('chat_messages').select('id').where('order_id', '=', order.id).where('sender', '=', 'merchant')
      .where('seq', '>', message.seq).where('created_at', '<=', message.answer_by).limit(1).executeTakeFirst();
    if (answered) return;
    const updated = await tx.updateTable('chat_messages').set({ read_unanswered_at: now })
      .where('id', '=', message.id).where('read_unanswered_at', 'is', null).executeTakeFirst();
    invariant(Number(updated.numUpdatedRows) === 1, `已读未回 for message ${message.id} was recorded twice`);
    await appendEvent(tx, order.id, 'chat_read_unanswered', {
      actor: 'system', at: now,
      data: {
        messageId: message.id, readAt: message.read_at.toISOString(), answerBy: message.answer_by.toISOString(),
        ruleId: 'chat.read-unanswered-minutes', ruleVersion: rules.version,
      },
    });
    const shop = await tx.selectFrom('shops').select('owner_id').where('id', '=', order.shop_id).executeTakeFirstOrThrow();
    await notify(ctx, tx, {
      userIds: [shop.owner_id], orderId: order.id, at: now,
      notice: notice('chat_read_unanswered', { orderNo: order.order_no, ruleId: 'chat.read-unanswered-minutes' }),
    });
  });
}
