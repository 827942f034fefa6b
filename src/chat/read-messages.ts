import type { Actor, Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { ChatSender } from '../db/schema';
import { withTransaction } from '../db/transaction';
import type { OrderRole } from '../orders/access';
import { ruleNumber, type RuleSet } from '../rules/rule-sets';
import { scheduleJob } from '../scheduler/jobs';
import { minutesFrom } from '../shared/clock';
import { notFound } from '../shared/errors';
import { chatPageSizeMax, loadConversation, messageView, type MessageView } from './conversation';

const chatPageSizeDefault = 100;

/**
 * 打开会话: the newest messages (oldest first), older ones page by page with `before`. Opening it
 * is reading it: the other side's messages get their read receipt (已读). A buyer message the
 * merchant reads starts the 已读未回 clock (`chat.read-unanswered-minutes`), a job row that a reply
 * in time makes moot. Staff reading marks nothing: they are not the one who must answer.
 */
export async function listMessages(
  ctx: Ctx, actor: Actor, orderId: string, query: { limit?: number; before?: string },
): Promise<{ items: MessageView[]; hasMore: boolean }> {
  const rules = await ctx.rules.current();
  const limit = Math.min(query.limit ?? chatPageSizeDefault, chatPageSizeMax);
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const { order, role } = await loadConversation(tx, actor, orderId, false);
    await markRead(tx, order.id, role, rules, now);
    let rows = tx.selectFrom('chat_messages').selectAll().where('order_id', '=', order.id);
    if (query.before) {
      const cursor = await tx.selectFrom('chat_messages').select('seq').where('id', '=', query.before).where('order_id', '=', order.id).executeTakeFirst();
      if (!cursor) throw notFound('message');
      rows = rows.where('seq', '<', cursor.seq);
    }
    const page = await rows.orderBy('seq', 'desc').limit(limit + 1).execute();
    return { items: page.slice(0, limit).reverse().map(messageView), hasMore: page.length > limit };
  });
}

async function markRead(tx: Tx, orderId: string, role: OrderRole, rules: RuleSet, now: Date): Promise<void> {
  if (role === 'staff') return;
  const others: ChatSender[] = role === 'buyer' ? ['merchant', 'staff'] : ['buyer', 'staff'];
  const read = await tx.updateTable('chat_messages').set({ read_at: now })
    .where('order_id', '=', orderId).where('read_at', 'is', null).where('sender', 'in', others)
    .returning(['id', 'sender']).execute();
  if (role !== 'merchant') return;
  const buyerMessages = read.filter((m) => m.sender === 'buyer').map((m) => m.id);
  if (buyerMessages.length === 0) return;
  const answerBy = minutesFrom(now, ruleNumber(rules, 'chat.read-unanswered-minutes'));
  await tx.updateTable('chat_messages').set({ answer_by: answerBy }).where('id', 'in', buyerMessages).execute();
  for (const id of buyerMessages) await scheduleJob(tx, 'chat_read_unanswered', id, answerBy, now);
}
