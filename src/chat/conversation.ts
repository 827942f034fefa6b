import { sql } from 'kysely';
import type { Actor, Ctx } from '../context';
import type { Db, Tx } from '../db/connect';
import type { CaseStatus, ChatMessage, ChatSender, Order } from '../db/schema';
import { loadOrderFor, type OrderRole } from '../orders/access';
import { AppError } from '../shared/errors';

/** 站内沟通: who may join an order's conversation, what a message looks like, the transcript as evidence. */

export const chatBodyLengthMax = 1000;
export const chatEvidencePerMessageMax = 9;
export const chatPageSizeMax = 200;
/** The newest messages a case's system evidence carries (the read-unanswered list is always complete). */
export const chatEvidenceMessagesMax = 500;

/** Flags on a message. */
export const offPlatformFlag = 'off_platform_payment';
export const offPlatformWarningFlag = 'off_platform_warning';
export const readUnansweredFlag = 'read_unanswered';

/** Case states in which the platform holds the case: staff join the conversation from then on. */
const withPlatform: CaseStatus[] = ['under_arbitration', 'awaiting_evidence', 'appealed'];

export interface MessageView {
  id: string;
  sender: ChatSender;
  body: string;
  evidenceIds: string[];
  createdAt: string;
  /** When the other side opened it (已读); null while unread. */
  readAt: string | null;
  flags: string[];
}

export function messageView(m: ChatMessage): MessageView {
  return {
    id: m.id, sender: m.sender, body: m.body, evidenceIds: m.evidence_ids, createdAt: m.created_at.toISOString(), readAt: m.read_at?.toISOString() ?? null,
    flags: m.read_unanswered_at ? [...m.flags, readUnansweredFlag] : m.flags,
  };
}

/** Whether a case on the order is with the platform, or was decided by staff. */
export async function platformInvolved(db: Db | Tx, orderId: string): Promise<boolean> {
  const row = await db.selectFrom('refund_cases').select('id').where('order_id', '=', orderId)
    .where((eb) => eb.or([eb('status', 'in', withPlatform), eb('decided_by', 'like', 'staff:%'), eb('decided_by', 'like', 'admin:%')]))
    .limit(1).executeTakeFirst();
  return Boolean(row);
}

/**
 * The order and the actor's side of its conversation: its buyer (account or guest token), the
 * shop's side (owner or API key), or staff once a case is with the platform. Strangers get the
 * order's 404; staff before escalation get a 403 (they may see the order, not yet the talk).
 */
export async function loadConversation(tx: Tx, actor: Actor, orderId: string, lock: boolean): Promise<{ order: Order; role: OrderRole }> {
  const { order, role } = await loadOrderFor(tx, actor, orderId, ['buyer', 'merchant', 'staff'], lock);
  if (role === 'staff' && !(await platformInvolved(tx, order.id))) {
    throw new AppError('CHAT_NOT_ESCALATED', 409, 'staff join the conversation once a case on this order is with the platform');
  }
  return { order, role };
}

/** Hosts that are the platform itself: links to them are not off-platform links. */
export function platformHosts(ctx: Ctx): string[] {
  const hosts = ['localhost', '127.0.0.1'];
  if (ctx.config.publicUrl) {
    try { hosts.push(new URL(ctx.config.publicUrl).hostname); } catch { /* an invalid URL names no host */ }
  }
  return hosts;
}

export interface ChatEvidence {
  messages: MessageView[];
  readUnanswered: Array<{ messageId: string; readAt: string }>;
}

export const noChat = (): ChatEvidence => ({ messages: [], readUnanswered: [] });

/** 沟通记录 as system evidence: the newest messages in order, and every 已读未回 recorded on the order. */
export async function chatEvidence(db: Db | Tx, orderId: string): Promise<ChatEvidence> {
  const [rows, unanswered] = await Promise.all([
    db.selectFrom('chat_messages').selectAll().where('order_id', '=', orderId).orderBy('seq', 'desc').limit(chatEvidenceMessagesMax).execute(),
    db.selectFrom('chat_messages').select(['id', 'read_at']).where('order_id', '=', orderId).where('read_unanswered_at', 'is not', null).orderBy('seq').execute(),
  ]);
  return {
    messages: rows.reverse().map(messageView),
    readUnanswered: unanswered.map((m) => ({ messageId: m.id, readAt: m.read_at!.toISOString() })),
  };
}

/**
 * Messages a shop's side sent since `since` that tried to take payment or contact off the platform
 * (for the merchant's credit: repeated attempts count against it).
 */
export async function offPlatformAttempts(db: Db | Tx, shopId: string, since: Date): Promise<number> {
  const row = await db.selectFrom('chat_messages').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('shop_id', '=', shopId).where('sender', '=', 'merchant').where('created_at', '>=', since)
    .where(sql<boolean>`flags @> ${JSON.stringify([offPlatformFlag])}::jsonb`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether an evidence file was sent in a conversation this user is a party to (its buyer or the shop's owner). */
export async function chatShowsEvidenceTo(db: Db, userId: string, evidenceId: string): Promise<boolean> {
  const row = await db.selectFrom('chat_messages')
    .innerJoin('orders', 'orders.id', 'chat_messages.order_id')
    .innerJoin('shops', 'shops.id', 'chat_messages.shop_id')
    .select('chat_messages.id')
    .where(sql<boolean>`chat_messages.evidence_ids @> ${JSON.stringify([evidenceId])}::jsonb`)
    .where((eb) => eb.or([eb('orders.buyer_id', '=', userId), eb('shops.owner_id', '=', userId)]))
    .limit(1).executeTakeFirst();
  return Boolean(row);
}
