import { systemText } from '../i18n/system-text';
import { randomUUID } from 'node:crypto';
import { ownEvidence } from '../aftersales/evidence';
import { actorLabel, type Actor, type Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { ChatSender, Order } from '../db/schema';
import { withTransaction } from '../db/transaction';
import { notice } from '../notify/kinds';
import { notify } from '../notify/notifications';
import type { OrderRole } from '../orders/access';
import { ruleNumber } from '../rules/rule-sets';
import { cancelJob } from '../scheduler/jobs';
import { badRequest, invariant } from '../shared/errors';
import { hitRateLimit } from '../shared/rate-limit';
import { appendEvent } from '../timeline/timeline';
import {
  chatBodyLengthMax, chatEvidencePerMessageMax, loadConversation, messageView, offPlatformFlag, offPlatformWarningFlag, platformHosts, type MessageView,
} from './conversation';
import { detectOffPlatform, type OffPlatformMatch } from './off-platform';

export type { Lang } from '../i18n/lang';
import type { Lang } from '../i18n/lang';

export interface ChatWarning {
  code: string;
  message: string;
  rule?: string;
}

export interface SentMessage {
  message: MessageView;
  warnings: ChatWarning[];
}

/** The rate-limit window: the rule counts messages per minute. */
const rateWindowMinutes = 1;

/** What both parties read under a flagged message (stored once, in the platform's language). */
export const offPlatformSystemText = systemText('offPlatformNotice', 'zh');

const warningText: Record<Lang, string> = {
  zh: '这条消息疑似引导站外联系或付款。消息已送达并已标记：站外交易不受平台担保保护，出现问题平台无法为您退款。',
  en: 'This message looks like it moves payment or contact off the platform. It was delivered and flagged: deals outside the platform lose the escrow guarantee, and the platform cannot refund them.',
};

const senderKey = (actor: Actor): string => {
  switch (actor.kind) {
    case 'user': return `user:${actor.userId}`;
    case 'guest': return `guest:${actor.orderId}`;
    case 'api_key': return `key:${actor.keyId}`;
    case 'system': throw new Error('the system does not chat');
  }
};

const senderId = (actor: Actor): string | null => (actor.kind === 'user' || actor.kind === 'api_key' ? actor.userId : null);

async function nextSeq(tx: Tx, orderId: string): Promise<number> {
  const row = await tx.selectFrom('chat_messages').select((eb) => eb.fn.max('seq').as('last')).where('order_id', '=', orderId).executeTakeFirst();
  return Number(row?.last ?? 0) + 1;
}

/**
 * 发消息: a message from the order's buyer, the shop's side, or staff once a case is with the
 * platform. One that takes payment or contact off the platform is still delivered, but flagged,
 * answered with a system message both parties see, and recorded on the order's timeline.
 */
export async function sendMessage(
  ctx: Ctx, actor: Actor, orderId: string, input: { body: string; evidenceIds?: string[] }, lang: Lang = 'zh',
): Promise<SentMessage> {
  const body = input.body.trim();
  if (!body) throw badRequest('MESSAGE_EMPTY', 'the message is empty');
  if (body.length > chatBodyLengthMax) throw badRequest('MESSAGE_TOO_LONG', `messages may be at most ${chatBodyLengthMax} characters`);
  const evidenceIds = [...new Set(input.evidenceIds ?? [])];
  if (evidenceIds.length > chatEvidencePerMessageMax) throw badRequest('TOO_MANY_EVIDENCE', `at most ${chatEvidencePerMessageMax} files per message`);
  const rules = await ctx.rules.current();
  // Outside the transaction: the counter is its own statement on the pool.
  await hitRateLimit(ctx, `chat:${senderKey(actor)}`, ruleNumber(rules, 'chat.messages-per-minute'), rateWindowMinutes, 'chat.messages-per-minute');

  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    // The order's row lock serialises the conversation: message numbers, timeline appends, and a
    // merchant's reply against the 已读未回 job that checks for it.
    const { order, role } = await loadConversation(tx, actor, orderId, true);
    if (evidenceIds.length > 0) await ownEvidence(tx, actor, evidenceIds);
    const matches = rules.values['chat.off-platform-warning']
      ? detectOffPlatform(body, { platformHosts: platformHosts(ctx), knownTokens: [order.order_no, order.topup_account] })
      : [];
    const seq = await nextSeq(tx, order.id);
    const row = await tx.insertInto('chat_messages').values({
      id: randomUUID(), order_id: order.id, shop_id: order.shop_id, seq, sender: role, sender_id: senderId(actor), sender_label: actorLabel(actor),
      body, evidence_ids: JSON.stringify(evidenceIds), flags: JSON.stringify(matches.length > 0 ? [offPlatformFlag] : []), read_at: null,
      answer_by: null, read_unanswered_at: null, created_at: now,
    }).returningAll().executeTakeFirstOrThrow();
    await markAnswered(tx, order, role, now);
    if (matches.length > 0) await warnOffPlatform(tx, order, { messageId: row.id, role, seq, matches, actor, ruleVersion: rules.version, now });
    await notifyOtherSide(ctx, tx, order, role, { body, flagged: matches.length > 0, now });
    return {
      message: messageView(row),
      warnings: matches.length > 0 ? [{ code: 'OFF_PLATFORM_PAYMENT', message: warningText[lang], rule: 'chat.off-platform-warning' }] : [],
    };
  });
}

/**
 * Writing in the conversation means having read it: the other side's messages are marked read. A
 * merchant's message answers every buyer message before it, so their 已读未回 timers stop.
 */
async function markAnswered(tx: Tx, order: Order, role: OrderRole, now: Date): Promise<void> {
  if (role === 'staff') return;
  const others: ChatSender[] = role === 'buyer' ? ['merchant', 'staff'] : ['buyer', 'staff'];
  await tx.updateTable('chat_messages').set({ read_at: now }).where('order_id', '=', order.id).where('read_at', 'is', null).where('sender', 'in', others).execute();
  if (role !== 'merchant') return;
  const waiting = await tx.selectFrom('chat_messages').select('id').where('order_id', '=', order.id).where('sender', '=', 'buyer')
    .where('answer_by', 'is not', null).where('read_unanswered_at', 'is', null).where('answer_by', '>', now).execute();
  for (const message of waiting) await cancelJob(tx, 'chat_read_unanswered', message.id, now);
}

async function warnOffPlatform(
  tx: Tx, order: Order,
  p: { messageId: string; role: OrderRole; seq: number; matches: OffPlatformMatch[]; actor: Actor; ruleVersion: number; now: Date },
): Promise<void> {
  const system = await tx.insertInto('chat_messages').values({
    id: randomUUID(), order_id: order.id, shop_id: order.shop_id, seq: p.seq + 1, sender: 'system', sender_id: null, sender_label: 'system',
    body: offPlatformSystemText, evidence_ids: JSON.stringify([]), flags: JSON.stringify([offPlatformWarningFlag]), read_at: null,
    answer_by: null, read_unanswered_at: null, created_at: p.now,
  }).returning('id').executeTakeFirst();
  invariant(system, 'the off-platform warning was not written');
  await appendEvent(tx, order.id, 'chat_off_platform', {
    actor: actorLabel(p.actor), at: p.now,
    data: { messageId: p.messageId, warningId: system.id, sender: p.role, matches: p.matches, ruleId: 'chat.off-platform-warning', ruleVersion: p.ruleVersion },
  });
}

/**
 * Tells the other side (both parties when staff write). One unread chat notification per order
 * and reader is enough: more messages do not pile up more. No message's text is repeated in the
 * notification (nor its e-mail): the conversation shows it to those who may read it, and a flagged
 * message's outside account is not spread further.
 */
async function notifyOtherSide(ctx: Ctx, tx: Tx, order: Order, role: OrderRole, p: { body: string; flagged: boolean; now: Date }): Promise<void> {
  const shop = await tx.selectFrom('shops').select('owner_id').where('id', '=', order.shop_id).executeTakeFirstOrThrow();
  const readers = role === 'buyer' ? [shop.owner_id] : role === 'merchant' ? [order.buyer_id] : [order.buyer_id, shop.owner_id];
  const wanted = readers.filter((id): id is string => Boolean(id));
  if (wanted.length === 0) return;
  const pending = await tx.selectFrom('notifications').select('user_id').where('user_id', 'in', wanted).where('order_id', '=', order.id)
    .where('kind', '=', 'chat_message').where('read_at', 'is', null).execute();
  const userIds = wanted.filter((id) => !pending.some((n) => n.user_id === id));
  await notify(ctx, tx, {
    userIds, orderId: order.id, at: p.now,
    notice: notice('chat_message', { orderNo: order.order_no, from: role === 'buyer' ? 'buyer' : role === 'merchant' ? 'merchant' : 'staff', flagged: p.flagged }),
  });
}
